import type { Table } from "../table.ts";
import { featuresOf } from "./_features.ts";
import { checkTtl, ddlStatements, joinStatements, tableNameOf } from "./_ddl_parts.ts";
import { type Bucket, countersLayout } from "./_layouts.ts";
import type { TableDdlOptions } from "./server_facts.ts";

export type { Bucket } from "./_layouts.ts";

/** Options of {@linkcode countersTableDdl}. */
export interface CountersTableOptions extends TableDdlOptions {
  /** The tag columns, in key order, with their types: `{ resource_id: "String" }`. */
  columns: Readonly<Record<string, string>>;
  /**
   * The column that receives the sums (`UInt64`).
   * @default {"count"}
   */
  countColumn?: string;
  /**
   * The time column (`DateTime`: sums are bucketed, so whole seconds suffice).
   * @default {"datetime"}
   */
  timeColumn?: string;
  /**
   * The bucket rows are summed into, after the tags in the sort key.
   * @default {"hour"}
   */
  bucket?: Bucket;
  /**
   * Days rows are kept; `0` for no TTL.
   * @default {0}
   */
  ttlDays?: number;
}

/**
 * The `CREATE TABLE IF NOT EXISTS` statement of a counters table: the tags,
 * a `DateTime` and a `UInt64` count, in a `SummingMergeTree` ordered by the
 * tags and a time bucket, so that rows of one tag set and bucket merge into
 * one. Read totals with `sum()` and `GROUP BY`. Works on every server (18.x
 * included). The database must exist (`CREATE DATABASE IF NOT EXISTS db`).
 *
 * @param table `"db.table"`, `"table"` or a `Table` (whose `timeColumn` names the time column).
 * @param options The tag columns, names, bucket, retention and server.
 * @returns The statement; with `cluster`, the statements separated by `";\n\n"`
 *   (`splitStatements()` splits them).
 * @throws {TypeError} Without tag columns, for a malformed table name, or a `cluster`
 *   without a database.
 * @throws {RangeError} For a negative or fractional `ttlDays`.
 *
 * @example
 * ```ts
 * import { countersTableDdl } from "@tusk/clickhouse/tables";
 * console.log(countersTableDdl("download.quota_usage", {
 *   columns: { resource_id: "String", requester_ip: "String" },
 * }));
 * ```
 */
export function countersTableDdl(table: string | Table, options: CountersTableOptions): string {
  checkTtl(options.ttlDays, "counters table");
  if (Object.keys(options?.columns ?? {}).length === 0) {
    throw new TypeError(`Cannot make the counters table DDL: "columns" must name the tag columns`);
  }
  const features = featuresOf(options.server);
  const layout = countersLayout(options.columns, {
    time: options.timeColumn ?? (typeof table === "string" ? undefined : table.timeColumn) ??
      "datetime",
    count: options.countColumn ?? "count",
    bucket: options.bucket ?? "hour",
  }, options.ttlDays ?? 0);
  return joinStatements(ddlStatements(tableNameOf(table), layout, features, options.cluster));
}
