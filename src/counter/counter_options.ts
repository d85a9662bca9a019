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
}
