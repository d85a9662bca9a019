/**
 * A [LogTape](https://logtape.org) sink for ClickHouse: records logged with
 * `@logtape/logtape` 2.x become rows of the same log table `./logging`
 * writes (app, time, level number, category in `logger`, message, error name
 * and stack), their properties in columns of their own (`contextColumns`) or
 * in a `Map(String, String)` or JSON `String` column; or, with
 * `layout: "otel"`, rows of the OpenTelemetry Collector ClickHouse exporter's
 * `otel_logs` table (category in `ScopeName`, properties in `LogAttributes`).
 * `@logtape/logtape` is an optional peer dependency: this module imports
 * nothing of it, not even its types (a sink is a function LogTape calls with
 * a record), so nothing of it loads with this or any other Tusk entry point.
 *
 * @example Configure LogTape with the sink
 * ```ts
 * import { configure, dispose, getLogger } from "@logtape/logtape";
 * import * as tusk from "@tusk/clickhouse";
 * import { getClickHouseSink } from "@tusk/clickhouse/logtape";
 *
 * tusk.init({ host: "localhost", user: "tester", password: "P@assw0rd" });
 * await configure({
 *   sinks: { clickhouse: getClickHouseSink({ table: "maintenance.logs", appName: "my_app" }) },
 *   loggers: [{ category: "my_app", lowestLevel: "info", sinks: ["clickhouse"] }],
 * });
 *
 * const logger = getLogger(["my_app", "checkout"]);
 * logger.info("Order {orderId} paid by {user}", { orderId: 42, user: "alice" });
 * logger.error("Payment failed", { error: new Error("card declined") });
 * await dispose(); // delivers every row
 * ```
 *
 * @module
 */

export { type ClickHouseSink, getClickHouseSink } from "./get_clickhouse_sink.ts";
export type { ClickHouseSinkOptions } from "./clickhouse_sink_options.ts";
export type { LogColumns, LogLayout } from "../logging/log_sink.ts";
export type { BatchingOptions } from "../client/options.ts";
export type { Table } from "../table.ts";
export type { LogTapeLevel, LogTapeRecord } from "./logtape_record.ts";
