import { clientSlot, requireAppName } from "../client/registry.ts";
import { onClose } from "../lifecycle.ts";
import { tableCreator } from "../tables/table_creator.ts";
import { resourceAttributes } from "./_resource_attributes.ts";
import { interceptConsole } from "./console_adapter.ts";
import { LogSink } from "./log_sink.ts";
import { getSink, setSink } from "./logger.ts";
import { type LoggingOptions, resolveLoggingOptions } from "./options.ts";

/** What the logging `init` returns. */
export interface LoggingHandle {
  /**
   * Stops logging: restores `console`, makes loggers do nothing, and sends
   * the log rows buffered so far. Never rejects: a failed send is reported and
   * its rows stay buffered (retried, and flushed by `tusk.close()`).
   */
  stop(): Promise<void>;
  /** Same as `stop()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

let detachCurrent: (() => void) | undefined;

/**
 * Starts writing log rows into a table: from loggers (`getLogger`) and, by
 * default, from `console.error`, `warn`, `info`, `log` and `debug`, which still
 * print as before. A second `init` replaces the first. `tusk.close()` stops it.
 * With `layout: "otel"` the rows take the OpenTelemetry Collector ClickHouse
 * exporter's `otel_logs` layout (see `otelLogsTableDdl`).
 *
 * @param options The table, and optionally the app name, layout, level, columns.
 * @returns A handle to stop logging.
 * @throws {TypeError} For bad options.
 * @throws {TuskError} When no app name is known and the `app` column is on (or the layout is `"otel"`).
 *
 * @example
 * ```ts
 * import * as tusk from "@tusk/clickhouse";
 * import * as logging from "@tusk/clickhouse/logging";
 * tusk.init({ host: "localhost", user: "tester", password: "P@assw0rd" });
 * logging.init({ table: "maintenance.logs", appName: "my_app" });
 * logging.getLogger().info("Hello world!");
 * await tusk.close();
 * ```
 *
 * @example The OpenTelemetry layout
 * ```ts
 * import * as tusk from "@tusk/clickhouse";
 * import * as logging from "@tusk/clickhouse/logging";
 * tusk.init({ host: "localhost", user: "tester", password: "P@assw0rd" });
 * logging.init({ table: "otel_logs", appName: "my_app", layout: "otel" });
 * logging.getLogger().warning("Disk almost full", { disk: "/var" });
 * await tusk.close();
 * ```
 */
export function init(options: LoggingOptions): LoggingHandle {
  const o = resolveLoggingOptions(options);
  const client = clientSlot(o.clientName);
  const otel = o.layout === "otel";
  const app = o.columns.app === null && !otel
    ? ""
    : o.appName ?? requireAppName(client.env, "logging.init()");
  const writer = client.writer(o.table, o.batching);
  if (o.createTable !== undefined) {
    writer.prepareSchema(tableCreator({
      kind: "logs",
      table: o.table,
      columns: o.columns,
      ttlDays: o.createTable.ttlDays,
      cluster: o.createTable.cluster,
    }));
  }
  detachCurrent?.();
  const sink = new LogSink({
    writer,
    report: (error) => client.report(error),
    threshold: o.threshold,
    app,
    columns: o.columns,
    contextColumns: o.contextColumns,
    layout: o.layout,
    resource: otel ? resourceAttributes(app, client.env, o.resourceAttributes) : undefined,
  });
  const restoreConsole = o.console
    ? interceptConsole(globalThis.console, (level, args, above) => sink.console(level, args, above))
    : undefined;
  let detached = false;
  const detach = () => {
    if (detached) return;
    detached = true;
    restoreConsole?.();
    unregister();
    if (getSink() === sink) setSink(undefined);
    if (detachCurrent === detach) detachCurrent = undefined;
  };
  const unregister = onClose(detach);
  detachCurrent = detach;
  setSink(sink);
  writer.readSchemaSoon();
  const stop = async () => {
    detach();
    await writer.flush().catch(() => {}); // already reported by the writer
  };
  return { stop, [Symbol.asyncDispose]: stop };
}
