import type { EndpointStats } from "../transport/endpoint.ts";

/** Delivery figures for one table on one client, as `stats()` reports them. */
export interface TableStats {
  /** The client's name. */
  client: string;
  /** The table as `"database.table"`. */
  table: string;
  /**
   * Rows taken in (written, counted, beaten, logged). Every one of them is
   * written, pending or dropped: `received = written + pending + sum(dropped)`.
   */
  received: number;
  /** Rows acknowledged by ClickHouse. */
  written: number;
  /** Rows buffered, waiting to be sent or being sent (including those waiting for a schema). */
  pending: number;
  /** Rows sent again after a failed attempt (counted once per attempt). */
  retried: number;
  /** Rows given up on, by reason (`invalid`, `rejected`, `buffer_full`, `closed`). */
  dropped: Record<string, number>;
  /**
   * Requests that failed while delivering this table's rows: inserts (each
   * part of a split batch), and the schema or server reads before them. With
   * several endpoints, a request counts here only when no endpoint took it;
   * each endpoint's own failures are in `endpoints`.
   */
  failedBatches: number;
  /**
   * The message of the last problem with this table: a failed insert or
   * schema read, or the last buffer-full report delivered (repeats the
   * reporter holds back within its 10-second window are counted in
   * `dropped`, not re-described here).
   */
  lastError?: string;
  /** When `lastError` happened, as an ISO 8601 UTC time. */
  lastErrorAt?: string;
  /**
   * With several endpoints (`url` as a list, or `shards`): how each of the
   * client's endpoints is doing (state, requests, failures), the same for
   * every table of the client, so a node that is down shows here.
   */
  endpoints?: EndpointStats[];
}
