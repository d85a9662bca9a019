/**
 * Logging into ClickHouse: loggers and, by default, every `console.error`,
 * `warn`, `info`, `log` and `debug` call become rows of a log table, with the
 * app, time, level, calling file and line, error name, message and stack.
 * Intercepted console calls still print. Log calls never throw and the
 * library's own problems never loop back into the log table.
 *
 * With `layout: "otel"` the rows take the layout of the OpenTelemetry
 * Collector ClickHouse exporter's `otel_logs` table (`otelLogsTableDdl()`),
 * which log viewers built on that exporter read: severities of the
 * OpenTelemetry log data model, the app in `ServiceName`, file, line and error
 * in `code.*` and `exception.*` attributes of `LogAttributes`.
 *
 * @example The original README's example
 * ```ts
 * import * as tusk from "@tusk/clickhouse";
 * import * as logging from "@tusk/clickhouse/logging";
 *
 * tusk.init({ host: "localhost", user: "tester", password: "P@assw0rd" });
 * const logger = logging.getLogger();
 * logging.init({ table: "maintenance.logs", appName: "my_app" });
 *
 * logger.info("Hello world!");
 * logger.warning("Fire drill test.");
 * logger.error("This is real fire.");
 * try {
 *   throw new RangeError("Guess what?");
 * } catch (error) {
 *   logger.exception("Oh no!", error);
 * }
 * logger.critical("I give up.");
 * await tusk.close();
 * ```
 *
 * @module
 */

export { init, type LoggingHandle } from "./init.ts";
export { getLogger, type Logger, type LogMethod } from "./logger.ts";
export type { LoggingOptions } from "./options.ts";
export type { LogColumns, LogFields, LogLayout } from "./log_sink.ts";
export { LEVELS, type LogLevel } from "./levels.ts";
export { logsTableDdl, type LogsTableOptions } from "./logs_table.ts";
export { otelLogsTableDdl, type OtelLogsTableOptions } from "./otel_logs_table.ts";
export type { BatchingOptions } from "../client/options.ts";
export type { Table } from "../table.ts";
export type { CreateTableOption, TableCreation } from "../tables/create_table_option.ts";
