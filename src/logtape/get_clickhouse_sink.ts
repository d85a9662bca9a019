import type { LogTapeRecord } from "./logtape_record.ts";
import { clientSlot, requireAppName } from "../client/registry.ts";
import { resourceAttributes } from "../logging/log_values.ts";
import { RecordSink } from "./_record_sink.ts";
import { type ClickHouseSinkOptions, resolveSinkOptions } from "./clickhouse_sink_options.ts";

/**
 * A LogTape sink writing into a ClickHouse log table: call it with a record
 * (LogTape does), and dispose of it (LogTape's `dispose()` does) to deliver
 * what it holds.
 */
export interface ClickHouseSink {
  /**
   * Turns one record into a row: synchronous, never throws, never waits for
   * the network (rows go in batches, as every Tusk row does).
   *
   * @param record The record.
   */
  (record: LogTapeRecord): void;
  /**
   * Sends the rows of the records taken so far and resolves once ClickHouse
   * has them, without ending the sink (LogTape's `drain()` calls it). Never
   * rejects: a failure is reported (`onError` or the console) and the rows
   * stay buffered for a retry.
   */
  drain(): Promise<void>;
  /**
   * The same as `drain()`, called by LogTape's `dispose()` and `reset()`. The
   * sink keeps working afterwards, but LogTape disposes of a sink only once:
   * in a Worker, end each request with `ctx.waitUntil(drain())` (LogTape's
   * `drain()`), or `ctx.waitUntil(tusk.flush())`.
   */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Makes a LogTape sink that writes each record as a row of the log table
 * `./logging` writes. The row holds the app name, the record's time, its
 * level as a number (fatal 1, error 2, warning 3, info 4, debug and trace 5),
 * its category joined with `"."` in `logger`, `line` 0 (or the line LogTape
 * captured with `captureSourceLocation`), the message rendered as LogTape's
 * text formatter renders it, and in `error` and `stacktrace` the name and
 * stack of the error in the `error` property (else of the first property
 * holding an error). Properties named in `contextColumns` go to their columns;
 * the others go to the `properties` column when the table has one (a
 * `Map(String, String)`: one entry each, strings as they are, other values as
 * JSON; a `String`: one JSON object), and are left out otherwise.
 *
 * With `layout: "otel"` the row takes the OpenTelemetry Collector ClickHouse
 * exporter's `otel_logs` layout instead (see `otelLogsTableDdl`): the app in
 * `ServiceName`, the category in `ScopeName`, the level as the OpenTelemetry
 * severity (trace 1, debug 5, info 9, warning 13, error 17, fatal 21, with
 * their short texts), the message in `Body`, the record's time in
 * `Timestamp`, the properties in `LogAttributes` and the error in the
 * `exception.type`, `exception.message` and `exception.stacktrace` attributes.
 *
 * Rows are buffered and sent in batches like every Tusk row; the sink never
 * throws into LogTape and the library's own problems never loop back into the
 * table. The sink is a LogTape `Sink` (and `Drainable`); this module imports
 * nothing of `@logtape/logtape`.
 *
 * @param options The table, and optionally the app name, level, columns.
 * @returns The sink, for LogTape's `configure({ sinks })`.
 * @throws {TypeError} For bad options.
 * @throws {TuskError} When no app name is known and the `app` column is on (or the layout is `"otel"`).
 *
 * @example
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
 * getLogger(["my_app", "orders"]).info("Order {id} shipped", { id: 42 });
 * await dispose();
 * ```
 *
 * @example The OpenTelemetry layout
 * ```ts
 * import { configure, dispose } from "@logtape/logtape";
 * import * as tusk from "@tusk/clickhouse";
 * import { getClickHouseSink } from "@tusk/clickhouse/logtape";
 *
 * tusk.init({ host: "localhost", user: "tester", password: "P@assw0rd" });
 * await configure({
 *   sinks: { clickhouse: getClickHouseSink({ table: "otel_logs", appName: "my_app", layout: "otel" }) },
 *   loggers: [{ category: "my_app", lowestLevel: "info", sinks: ["clickhouse"] }],
 * });
 * await dispose();
 * ```
 */
export function getClickHouseSink(options: ClickHouseSinkOptions): ClickHouseSink {
  const o = resolveSinkOptions(options);
  const client = clientSlot(o.clientName);
  const otel = o.layout === "otel";
  const app = o.columns.app === null && !otel
    ? ""
    : o.appName ?? requireAppName(client.env, "getClickHouseSink()");
  const writer = client.writer(o.table, o.batching);
  const sink = new RecordSink({
    writer,
    report: (error) => client.report(error),
    // In Workers the schema is read by a flush, inside its own request.
    canReadSchema: () => client.configured && client.clock.backgroundTimers !== false,
    app,
    resource: otel ? resourceAttributes(app, client.env, o.resourceAttributes) : undefined,
    options: o,
  });
  writer.readSchemaSoon();
  const drain = () => sink.flush();
  return Object.assign((record: LogTapeRecord) => sink.accept(record), {
    drain,
    [Symbol.asyncDispose]: drain,
  });
}
