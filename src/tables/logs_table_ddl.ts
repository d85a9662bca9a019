import type { LogColumns } from "../logging/log_sink.ts";
import type { Table } from "../table.ts";
import { featuresOf } from "./_features.ts";
import { checkTtl, ddlStatements, joinStatements, tableNameOf } from "./_ddl_parts.ts";
import { logNames, logsLayout } from "./_layouts.ts";
import type { TableDdlOptions } from "./server_facts.ts";

/** Options of {@linkcode logsTableDdl}. */
export interface LogsTableOptions extends TableDdlOptions {
  /**
   * Without `server`: `false` for a server without `DateTime64` and `TTL`
   * (18.x), as if `server` were `{ version: "18.16" }`. `server` wins.
   * @default {true}
   */
  modern?: boolean;
  /**
   * Days rows are kept; `0` for no TTL.
   * @default {7}
   */
  ttlDays?: number;
  /** Column names by role, as given to `logging.init({ columns })`; `null` leaves a column out. */
  columns?: Partial<LogColumns>;
}

/**
 * The `CREATE TABLE IF NOT EXISTS` statement of the log table that
 * `logging.init()` writes, plus `category` and `host`, which Tusk fills from
 * the `TUSK_CATEGORY` and `TUSK_HOST` environment variables. The database must
 * exist (`CREATE DATABASE IF NOT EXISTS db`); `createTable: true` creates both.
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
 * import { logsTableDdl } from "@tusk/clickhouse/tables";
 * console.log(logsTableDdl("maintenance.logs", { server: { version: "26.7.2.1" }, ttlDays: 30 }));
 * ```
 */
export function logsTableDdl(table: string | Table, options: LogsTableOptions = {}): string {
  checkTtl(options.ttlDays, "logs table");
  const server = options.server ??
    (options.modern === false ? { version: "18.16" } : undefined);
  const features = featuresOf(server);
  const layout = logsLayout(features, logNames(table, options.columns), options.ttlDays ?? 7);
  return joinStatements(ddlStatements(tableNameOf(table), layout, features, options.cluster));
}
