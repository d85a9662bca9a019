/**
 * Error classes thrown or reported by Tusk.
 *
 * @module
 */

/**
 * Base class of every error Tusk reports, so callers can tell the library's
 * errors from their own with one `instanceof` check.
 *
 * @example Telling Tusk's errors apart
 * ```ts
 * import { TuskError } from "@tusk/clickhouse";
 * function report(error: unknown): string {
 *   return error instanceof TuskError ? `tusk: ${error.message}` : String(error);
 * }
 * ```
 */
export class TuskError extends Error {
  /**
   * Creates an error.
   *
   * @param message What went wrong, action first.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TuskError";
  }
}

/** What a {@linkcode TuskValidationError} knows about the rejected value. */
export interface TuskValidationDetails {
  /** The table, as `"database.table"`. */
  table: string;
  /** The column (or row key) at fault, when one is. */
  column?: string;
  /** A short, safe rendering of the offending value. */
  value?: string;
  /** Why the value was rejected. */
  reason: string;
}

/**
 * A row (or one of its values) that cannot be stored in its table: an unknown
 * key, or a value that does not fit its column's type.
 *
 * Thrown by `write()` and `count()` once the table's schema is known; for rows
 * written before that, reported through `onError` and counted in `stats()`.
 *
 * @example Catching a bad row
 * ```ts
 * import { TuskValidationError } from "@tusk/clickhouse";
 * try {
 *   // metric.write({ usage: "high" });
 * } catch (error) {
 *   if (error instanceof TuskValidationError) console.warn(error.column, error.reason);
 * }
 * ```
 */
export class TuskValidationError extends TuskError {
  /** The table, as `"database.table"`. */
  readonly table: string;
  /** The column (or row key) at fault, when one is. */
  readonly column: string | undefined;
  /** A short, safe rendering of the offending value. */
  readonly value: string | undefined;
  /** Why the value was rejected. */
  readonly reason: string;

  /**
   * Creates a validation error; the message names table, column and reason.
   *
   * @param details The table, column, value and reason.
   */
  constructor(details: TuskValidationDetails) {
    const where = details.column === undefined ? "" : `column "${details.column}": `;
    super(`Cannot write to "${details.table}": ${where}${details.reason}`);
    this.name = "TuskValidationError";
    this.table = details.table;
    this.column = details.column;
    this.value = details.value;
    this.reason = details.reason;
  }
}

/**
 * The broad cause of a failed request, used to decide what to do next:
 * `network` (no answer), `tls` (the runtime refused the server's certificate),
 * `timeout`, `auth`, `schema`, `data`, `server` (5xx, 429) or `client` (other 4xx).
 */
export type ClickHouseErrorKind =
  | "network"
  | "tls"
  | "timeout"
  | "auth"
  | "schema"
  | "data"
  | "server"
  | "client";

/** What a {@linkcode TuskClickHouseError} carries. */
export interface TuskClickHouseErrorDetails {
  /** What the library was doing, e.g. `Cannot insert into "db.cpu"`. */
  action: string;
  /** The server's own message (never holds credentials). */
  detail: string;
  /** ClickHouse's error code (`Code: N`), when the server sent one. */
  code?: number;
  /** ClickHouse's error name, e.g. `UNKNOWN_TABLE`, when known. */
  type?: string;
  /** The HTTP status, or 0 when no response arrived. */
  status: number;
  /** The broad cause. */
  kind: ClickHouseErrorKind;
  /** Whether sending the same request later can succeed. */
  retryable: boolean;
  /** The query id of the failed request. */
  queryId?: string;
  /** How long the server asked to wait before retrying (`Retry-After`), in milliseconds. */
  retryAfterMs?: number;
  /** The input row a parse error names (1-based), when the server names one. */
  row?: number;
  /** The full body of a response that was not a ClickHouse exception (a proxy's page). */
  body?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * A request to ClickHouse that failed: the network, the server or the request.
 *
 * @example Deciding whether to retry
 * ```ts
 * import { TuskClickHouseError } from "@tusk/clickhouse";
 * function shouldRetry(error: unknown): boolean {
 *   return error instanceof TuskClickHouseError && error.retryable;
 * }
 * ```
 */
export class TuskClickHouseError extends TuskError {
  /** What the library was doing, e.g. `Cannot insert into "db.cpu"`: the message's first part. */
  readonly action: string;
  /** The server's own message (never holds credentials): the message's second part. */
  readonly detail: string;
  /** ClickHouse's error code, when the server sent one. */
  readonly code: number | undefined;
  /** ClickHouse's error name, e.g. `UNKNOWN_TABLE`, when known. */
  readonly type: string | undefined;
  /** The HTTP status, or 0 when no response arrived. */
  readonly status: number;
  /** The broad cause. */
  readonly kind: ClickHouseErrorKind;
  /** Whether sending the same request later can succeed. */
  readonly retryable: boolean;
  /** The query id of the failed request. */
  readonly queryId: string | undefined;
  /** How long the server asked to wait before retrying (`Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /**
   * The input row of the insert a parse error names (`(at row N)`, 1-based), when
   * the server names one: a refused batch is split around it.
   */
  readonly row: number | undefined;
  // Kept off the instance's own properties, so printing the error does not print the page again.
  readonly #body: string | undefined;

  /**
   * Creates the error from its classified parts.
   *
   * @param details Action, detail, code, status, kind and retryability.
   */
  constructor(details: TuskClickHouseErrorDetails) {
    super(`${details.action}: ${details.detail}`, { cause: details.cause });
    this.name = "TuskClickHouseError";
    this.action = details.action;
    this.detail = details.detail;
    this.code = details.code;
    this.type = details.type;
    this.status = details.status;
    this.kind = details.kind;
    this.retryable = details.retryable;
    this.queryId = details.queryId;
    this.retryAfterMs = details.retryAfterMs;
    this.row = details.row;
    this.#body = details.body;
  }

  /**
   * The full body of a response that was not a ClickHouse exception (a proxy's
   * or load balancer's page), whose message shows only the status, the content
   * type and the first meaningful line; `undefined` for ClickHouse's own errors
   * and when no response arrived.
   */
  get body(): string | undefined {
    return this.#body;
  }
}

/** One table a flush could not deliver: its name, the rows it still holds, and why. */
export interface UndeliveredTable {
  /** The table as `"database.table"`. */
  table: string;
  /** Rows of the table still held (buffered, waiting for a retry or in flight). */
  rows: number;
  /** Why the last attempt failed. */
  error: Error;
}

/**
 * A flush that ended with rows not yet acknowledged: which tables, how many
 * rows each still holds, why, and whether they are kept for a later retry.
 *
 * @example
 * ```ts
 * import * as tusk from "@tusk/clickhouse";
 * try {
 *   await tusk.flush();
 * } catch (error) {
 *   if (error instanceof tusk.TuskFlushError) {
 *     for (const t of error.tables) console.log(t.table, t.rows, t.error.message);
 *   }
 * }
 * ```
 */
export class TuskFlushError extends TuskError {
  /** The client's name. */
  readonly client: string;
  /** Every table with rows still held. */
  readonly tables: readonly UndeliveredTable[];
  /** Whether the rows are kept and retried in the background (`false`: the client was closed). */
  readonly retrying: boolean;

  /**
   * Creates the error; its message names every table and the rows it holds.
   *
   * @param client The client's name.
   * @param tables The tables with rows still held.
   * @param retrying Whether those rows are kept for a later retry.
   */
  constructor(client: string, tables: readonly UndeliveredTable[], retrying: boolean) {
    const fate = retrying ? "kept and retried in the background" : "given up";
    super(
      `Cannot flush client "${client}": ` +
        tables.map((t) => `"${t.table}": ${t.rows} rows still held (${fate}): ${t.error.message}`)
          .join("; "),
      { cause: tables[0]?.error },
    );
    this.name = "TuskFlushError";
    this.client = client;
    this.tables = tables;
    this.retrying = retrying;
  }
}
