/**
 * What a `TableWriter` is given: its client (the host), its table,
 * its batching limits and options.
 *
 * @module
 */

import type { ClientSession } from "../client/client_session.ts";
import type { Clock } from "../runtime/clock.ts";
import type { Settings } from "../transport/connection.ts";
import type { BufferBudget } from "./buffer_budget.ts";

/** When a table's rows are sent, and how many may wait. */
export interface BatchLimits {
  /** Longest a row waits before its batch is sent, in milliseconds. */
  periodMs: number;
  /** A batch is sent once this many rows are buffered. */
  maxRows: number;
  /** A batch is sent once this many bytes are buffered; no insert carries more. */
  maxBytes: number;
  /** Most rows held for this table on its own, if capped (else the client's budget caps it). */
  maxBufferedRows: number | undefined;
  /** First retry delay after a failed send, in milliseconds; doubles up to `retryMaxMs`. */
  retryBaseMs: number;
  /** Longest retry delay, in milliseconds. */
  retryMaxMs: number;
}

/** What a `TableWriter` needs from its client. */
export interface WriterHost {
  /** The client's name. */
  readonly name: string;
  /** Time and timers. */
  readonly clock: Clock;
  /** The client-wide memory budget every writer of the client shares. */
  readonly budget: BufferBudget;
  /** The current session (connection and server facts), or `undefined` before `init`. */
  session(): ClientSession | undefined;
  /**
   * Reports a problem to `onError` or the original console; never throws.
   * Reports with the same `key` (else the same message) are rate-limited together;
   * a function making the error is called only when the report is delivered.
   */
  report(error: Error | (() => Error), key?: string): void;
}

/** The settings for inserts on the current server, and whether it deduplicates by token. */
export interface InsertSettings {
  /** Settings sent with every insert. */
  settings: Settings;
  /** Whether the server knows `insert_deduplication_token`. */
  deduplicationTokens: boolean;
}

/** Options of a `TableWriter`. */
export interface WriterOptions {
  /**
   * `"high"` (heartbeats): when the client's buffer is full, this table's rows
   * are dropped only once no normal-priority row is left to drop.
   * @default {"normal"}
   */
  priority?: "normal" | "high";
}

/** The table a writer serves, as given by the user. */
export interface WriterTable {
  /** The database, or `undefined` for the client's. */
  readonly database: string | undefined;
  /** The table's name. */
  readonly tableName: string;
  /** The column to fill with the write's time, if named. */
  readonly timeColumn: string | undefined;
}

/**
 * A step run before each read of a table's columns, with the session, the
 * database and the table's name (`createTable` makes the table here). A
 * rejection fails the read: reported, its rows kept, tried again later.
 */
export type SchemaPreparation = (
  session: ClientSession,
  database: string,
  table: string,
) => Promise<void>;
