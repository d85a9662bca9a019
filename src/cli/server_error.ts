import { type ClickHouseErrorKind, TuskClickHouseError } from "../errors.ts";
import type { ServerTarget } from "./resolve_target.ts";
import { UsageError } from "./usage_error.ts";

const WHAT_TO_DO: Partial<Record<ClickHouseErrorKind, string>> = {
  network: "check that ClickHouse runs there, and --url, the config or CLICKHOUSE_URL",
  timeout: "check that ClickHouse runs there, or give a longer --timeout",
  tls: "check the server's certificate, or the URL's scheme",
  auth: "check --user/--password, the config or CLICKHOUSE_USER/CLICKHOUSE_PASSWORD",
};

/**
 * A server's refusal (or absence) as one line for the command line: what
 * failed, where, and what to do.
 *
 * @param error What the query threw.
 * @param server Where the command connected.
 * @param schemaAdvice What to do about a missing table or column (and errors
 *   not from ClickHouse); other refusals point at the server's log.
 * @returns The error to throw (exit code 2).
 *
 * @example
 * ```ts ignore
 * throw serverError(error, target.server, "check the table names");
 * ```
 */
export function serverError(
  error: unknown,
  server: ServerTarget,
  schemaAdvice: string,
): UsageError {
  const kind = error instanceof TuskClickHouseError ? error.kind : "schema";
  const where = `server ${server.url}, user "${server.user}"`;
  const advice = kind === "schema" ? schemaAdvice : WHAT_TO_DO[kind] ?? "check the server's log";
  const line = String((error as Error).message ?? error).replace(/\s*\n\s*/g, " ");
  return new UsageError(`${line} (${where}): ${advice}`, { cause: error });
}
