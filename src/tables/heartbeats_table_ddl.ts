import type { HeartbeatColumnNames } from "../heartbeat/init.ts";
import type { Table } from "../table.ts";
import { featuresOf } from "./_features.ts";
import { checkTtl, ddlStatements, joinStatements, tableNameOf } from "./_ddl_parts.ts";
import { heartbeatNames, heartbeatsLayout } from "./_layouts.ts";
import type { TableDdlOptions } from "./server_facts.ts";

/** Options of {@linkcode heartbeatsTableDdl}. */
export interface HeartbeatsTableOptions extends TableDdlOptions {
  /**
   * Days beats are kept; `0` for no TTL.
   * @default {28}
   */
  ttlDays?: number;
  /** Column names, as given to `heartbeat.init({ columns })`; `null` leaves a column out. */
  columns?: HeartbeatColumnNames;
}

/**
 * The `CREATE TABLE IF NOT EXISTS` statement of the heartbeats table that
 * `heartbeat.init()` writes: `app`, `datetime`, `task`, `sequence`, `expiry`,
 * ordered by app, time, task and sequence. The database must exist
 * (`CREATE DATABASE IF NOT EXISTS db`); `createTable: true` creates both.
 *
 * @param table `"db.table"`, `"table"` or a `Table` (whose `timeColumn` names the time column).
 * @param options The server, retention and column names.
 * @returns The statement; with `cluster`, the statements separated by `";\n\n"`
 *   (`splitStatements()` splits them).
 * @throws {RangeError} For a negative or fractional `ttlDays`.
 * @throws {TypeError} For a malformed table name, or a `cluster` without a database.
 *
 * @example
 * ```ts
 * import { heartbeatsTableDdl } from "@tusk/clickhouse/tables";
 * console.log(heartbeatsTableDdl("maintenance.heartbeats", { server: { version: "18.16.1" } }));
 * ```
 */
export function heartbeatsTableDdl(
  table: string | Table,
  options: HeartbeatsTableOptions = {},
): string {
  checkTtl(options.ttlDays, "heartbeats table");
  const features = featuresOf(options.server);
  const layout = heartbeatsLayout(
    features,
    heartbeatNames(table, options.columns),
    options.ttlDays ?? 28,
  );
  return joinStatements(ddlStatements(tableNameOf(table), layout, features, options.cluster));
}
