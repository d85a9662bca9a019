import { Connection } from "../transport/connection.ts";
import type { CliIo } from "./cli_io.ts";
import { parseArgs } from "./parse_args.ts";
import { queryStatus } from "./query_status.ts";
import { readConfig } from "./read_config.ts";
import { overdueCount, renderStatus } from "./render_status.ts";
import { resolveTarget } from "./resolve_target.ts";
import { serverError } from "./server_error.ts";
import { statusJson } from "./status_json.ts";
import { UsageError } from "./usage_error.ts";

/** `status --help`. */
export const STATUS_HELP = `Usage: tusk status [options]

Is everything alive? Per app and task: the last beat, its expiry, and OVERDUE
where it has passed; gaps in sequence over the last day; error and critical log
rows (level <= 2) per app over the last hour, with the newest message.

Options:
  --config <file>       a Tusk YAML file: connection, heartbeat and logging tables
  --url <url>           ClickHouse's HTTP URL (else CLICKHOUSE_URL, else the config)
  --user <name>         user (else the config, else CLICKHOUSE_USER, else "default")
  --password <secret>   password (else the config, else CLICKHOUSE_PASSWORD)
  --heartbeats <db.t>   the heartbeat table (instead of the config's)
  --logs <db.t>         the log table (instead of the config's)
  --timeout <seconds>   time limit of each query (default 10)
  --json                print JSON instead of tables
  -h, --help            this text

Exit code: 0 all beating, 1 some app or task OVERDUE, 2 bad usage or no connection.
`;

const SPEC = {
  strings: ["config", "url", "user", "password", "heartbeats", "logs", "timeout"],
  booleans: ["json"],
};

/**
 * Runs `status`: reads the heartbeat and log tables and prints what it found.
 *
 * @param args The arguments after `status`.
 * @param io The runtime.
 * @returns The exit code: 0 all beating, 1 something overdue.
 * @throws {UsageError} For bad usage, a bad config, or a server that cannot be read.
 *
 * @example
 * ```ts ignore
 * import { processIo } from "./cli_io.ts";
 * import { statusCommand } from "./status_command.ts";
 * const code = await statusCommand(["--config", "example.yml"], processIo());
 * ```
 */
export async function statusCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, SPEC, "status");
  if (parsed.flags.has("help")) {
    io.out(STATUS_HELP);
    return 0;
  }
  if (parsed.positionals.length > 0) {
    throw new UsageError(
      `Unexpected argument "${parsed.positionals[0]}" for "status": see "status --help"`,
    );
  }
  const timeout = Number(parsed.values.timeout ?? 10);
  if (!(timeout > 0)) {
    throw new UsageError(
      `Option "--timeout" needs a number of seconds above 0, not "${parsed.values.timeout}"`,
    );
  }
  const config = parsed.values.config === undefined
    ? undefined
    : await readConfig(parsed.values.config, io);
  const target = resolveTarget(parsed.values, config, (name) => io.env(name));
  const connection = new Connection({
    ...target.server,
    database: "default",
    requestTimeoutMs: timeout * 1000,
    report: () => {},
  });
  let report;
  try {
    report = await queryStatus(connection, target);
  } catch (error) {
    throw serverError(
      error,
      target.server,
      "check the table names (--heartbeats, --logs or the config)",
    );
  }
  io.out(
    parsed.flags.has("json") ? statusJson(report) : renderStatus(report, { color: useColor(io) }),
  );
  return overdueCount(report) > 0 ? 1 : 0;
}

// Colours only on a terminal, and never with NO_COLOR (https://no-color.org).
function useColor(io: CliIo): boolean {
  const noColor = io.env("NO_COLOR");
  return io.isTTY && (noColor === undefined || noColor === "");
}
