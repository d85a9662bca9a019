/**
 * The tables Tusk writes, as `CREATE TABLE IF NOT EXISTS` statements for a
 * given server: heartbeats, logs, counters (a `SummingMergeTree`) and plain
 * metric tables. 18.x servers get `DateTime` and `String`; 19.6+ adds `TTL`
 * and `LowCardinality(String)`; 20.1+ `DateTime64(3)`. Each function returns
 * one statement and never runs it; the database must exist
 * (`CREATE DATABASE IF NOT EXISTS db`). With `cluster`, each returns two
 * statements separated by `";\n\n"` (`splitStatements()` splits them), both
 * `ON CLUSTER`: a `Replicated*` table `<table>_local` on every node, then a
 * `Distributed` table under the name given. To have Tusk create the tables itself
 * before the first row, pass `createTable: true` to `heartbeat.init()` or
 * `logging.init()`, or `createTable: { columns }` to `counter()`.
 *
 * @example
 * ```ts
 * import { countersTableDdl, heartbeatsTableDdl, logsTableDdl } from "@tusk/clickhouse/tables";
 * const server = { version: "18.16.1" };
 * for (
 *   const ddl of [
 *     heartbeatsTableDdl("maintenance.heartbeats", { server }),
 *     logsTableDdl("maintenance.logs", { server }),
 *     countersTableDdl("download.quota_usage", {
 *       server,
 *       columns: { resource_id: "String", requester_ip: "String" },
 *     }),
 *   ]
 * ) console.log(ddl);
 * ```
 *
 * @module
 */

export { heartbeatsTableDdl, type HeartbeatsTableOptions } from "./heartbeats_table_ddl.ts";
export { logsTableDdl, type LogsTableOptions } from "./logs_table_ddl.ts";
export { type Bucket, countersTableDdl, type CountersTableOptions } from "./counters_table_ddl.ts";
export { metricTableDdl, type MetricTableOptions } from "./metric_table_ddl.ts";
export { splitStatements } from "./split_statements.ts";
export type { ServerFacts, TableDdlOptions } from "./server_facts.ts";
export type { HeartbeatColumnNames } from "../heartbeat/init.ts";
export type { LogColumns } from "../logging/log_sink.ts";
export type { Table } from "../table.ts";
