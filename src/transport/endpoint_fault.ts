import type { TuskClickHouseError } from "../errors.ts";

/**
 * Whose fault a failed request was, which decides what a client with several
 * endpoints does next:
 *
 * - `"endpoint"`: that server is down, unreachable, frozen or overloaded (a
 *   refused or reset connection, a timeout, a 5xx answer, a read-only
 *   replica, too many parts, the memory limit): the same request goes to the
 *   next endpoint at once, and this one rests for a while;
 * - `"elsewhere"`: this server lacks the table or database (another endpoint
 *   may have it): the next endpoint is tried, but this one is not marked down;
 * - `"request"`: the rows or the request are at fault (a bad row, wrong
 *   credentials, an unknown setting): no other endpoint would answer
 *   differently, so none is tried.
 */
export type FailureScope = "endpoint" | "elsewhere" | "request";

// UNKNOWN_TABLE, UNKNOWN_DATABASE.
const MISSING_HERE = new Set([60, 81]);

/**
 * Says whose fault a failed request was.
 *
 * @param error The classified failure.
 * @returns Its scope.
 */
export function failureScope(error: TuskClickHouseError): FailureScope {
  if (error.code !== undefined && MISSING_HERE.has(error.code)) return "elsewhere";
  if (error.kind === "data" || error.kind === "auth" || error.kind === "schema") return "request";
  // A certificate one server presents is that server's problem (another may present a good one).
  if (error.kind === "tls") return "endpoint";
  return error.retryable ? "endpoint" : "request";
}

// The server refused before it took anything: read-only replica, too many
// parts, too many simultaneous queries, memory limit at the start, and
// ZooKeeper/Keeper session problems.
const REFUSED_CODES = new Set([202, 203, 241, 242, 252, 425, 999]);
// A connection that was never made: nothing was sent.
const NOT_CONNECTED =
  /ECONNREFUSED|ConnectionRefused|Connection refused|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|Unable to connect/i;

/**
 * Whether a failed insert may have been stored all the same: its answer was
 * lost (a timeout, a connection reset mid-request, an unknown quorum status)
 * rather than the server refusing it before taking anything. A batch whose
 * attempt may have been stored must be retried where that attempt's
 * deduplication applies: on the same shard.
 *
 * @param error The classified failure.
 * @returns `false` only when the rows surely were not stored.
 */
export function mayHaveBeenStored(error: TuskClickHouseError): boolean {
  if (error.code !== undefined) return !REFUSED_CODES.has(error.code);
  if (error.kind === "tls") return false;
  if (error.kind === "network") return !NOT_CONNECTED.test(causeText(error));
  return true;
}

// The messages and codes of an error's cause chain, where runtimes put the
// reason a connection failed (Node: cause.code; Deno and Bun: the message).
function causeText(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; depth < 6 && typeof e === "object" && e !== null; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string") parts.push(code);
    if (typeof message === "string") parts.push(message);
    e = cause;
  }
  return parts.join(" ");
}
