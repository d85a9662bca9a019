import type { BatchingOptions } from "../client/options.ts";
import type { Table } from "../table.ts";

/** Options of `counter()`. */
export interface CounterOptions {
  /** The table: a `Table`, or `"db.table"` / `"table"`. */
  table: Table | string;
  /**
   * The column that receives the sums.
   * @default {the first Int* or UInt* column}
   */
  countColumn?: string;
  /**
   * Seconds over which counts are summed into one row per tag set.
   * @default {15}
   */
  countPeriod?: number;
  /**
   * The client to write through.
   * @default {"default"}
   */
  clientName?: string;
  /** Batching for this table (the first metric or counter of a table sets it). */
  batching?: BatchingOptions;
  /**
   * Most distinct tag sets summed per period; past it, counts of new tag sets
   * are dropped (counted in `stats()` as `dropped.counter_overflow` and
   * reported) until the period ends, while known tag sets keep counting.
   * @default {100000}
   */
  maxTagSets?: number;
  /**
   * Create the table (and its database) if missing, before the first row,
   * with the layout of `countersTableDdl` for the connected server: these tag
   * columns, the time column (the `Table`'s `timeColumn`, else `datetime`)
   * and `countColumn` (else `count`). An existing table is never altered: one
   * that lacks a column fails with an error naming the `ALTER TABLE` to run,
   * and the sums are kept.
   */
  createTable?: CounterTableOptions;
}

/** `createTable` of {@linkcode CounterOptions}. */
export interface CounterTableOptions {
  /** The tag columns, in key order, with their types: `{ resource_id: "String" }`. */
  columns: Record<string, string>;
  /**
   * The bucket rows are summed into, after the tags in the sort key.
   * @default {"hour"}
   */
  bucket?: "minute" | "hour" | "day";
  /**
   * Days rows are kept; `0` for no TTL.
   * @default {0}
   */
  ttlDays?: number;
  /**
   * The cluster to make the table on: `ON CLUSTER`, a
   * `ReplicatedSummingMergeTree` `<table>_local` and a `Distributed` table
   * under the name given, which the sums are written to (as
   * `countersTableDdl` with `cluster` makes them).
   * @default {undefined (one table on the connected server)}
   */
  cluster?: string;
}
