import type { Table } from "../table.ts";
import { featuresOf } from "./_features.ts";
import { checkTtl, ddlStatements, joinStatements, tableNameOf } from "./_ddl_parts.ts";
import { metricLayout } from "./_layouts.ts";
import type { TableDdlOptions } from "./server_facts.ts";

/** Options of {@linkcode metricTableDdl}. */
export interface MetricTableOptions extends TableDdlOptions {
  /** The columns, in order, with their types: `{ region: "String", usage: "Float64" }`. */
  columns: Readonly<Record<string, string>>;
  /**
   * The time column, added (`DateTime64(3)`, or `DateTime` before 20.1) unless `columns` has it.
   * @default {"datetime"}
   */
  timeColumn?: string;
  /**
   * The sort key's columns.
   * @default {[timeColumn]}
   */
  orderBy?: readonly string[];
  /**
   * Days rows are kept; `0` for no TTL.
   * @default {0}
   */
  ttlDays?: number;
}

/**
 * The `CREATE TABLE IF NOT EXISTS` statement of a plain `MergeTree` metric
 * table (what `tusk.metric()` writes) from a column list and a time column.
 * The database must exist (`CREATE DATABASE IF NOT EXISTS db`).
 *
 * @param table `"db.table"`, `"table"` or a `Table` (whose `timeColumn` names the time column).
 * @param options The columns, time column, sort key, retention and server.
 * @returns The statement; with `cluster`, the statements separated by `";\n\n"`
 *   (`splitStatements()` splits them).
 * @throws {TypeError} Without columns, for a malformed table name, or a `cluster`
 *   without a database.
 * @throws {RangeError} For a negative or fractional `ttlDays`.
 *
 * @example
 * ```ts
 * import { metricTableDdl } from "@tusk/clickhouse/tables";
 * console.log(metricTableDdl("system.cpu", {
 *   columns: { region: "String", instance_id: "String", usage: "Float64" },
 *   orderBy: ["region", "datetime"],
 * }));
 * ```
 */
export function metricTableDdl(table: string | Table, options: MetricTableOptions): string {
  checkTtl(options.ttlDays, "metric table");
  if (Object.keys(options?.columns ?? {}).length === 0) {
    throw new TypeError(`Cannot make the metric table DDL: "columns" must name the columns`);
  }
  const features = featuresOf(options.server);
  const layout = metricLayout(features, options.columns, {
    time: options.timeColumn ?? (typeof table === "string" ? undefined : table.timeColumn) ??
      "datetime",
    orderBy: options.orderBy,
  }, options.ttlDays ?? 0);
  return joinStatements(ddlStatements(tableNameOf(table), layout, features, options.cluster));
}
