import type { LogTapeLevel } from "./logtape_record.ts";
import * as v from "valibot";
import { type BatchingOptions, parseBatching } from "../client/options.ts";
import type { LogColumns, LogLayout } from "../logging/log_sink.ts";
import { logColumns, LogColumnsSchema, logTableFor } from "../logging/options.ts";
import { Table } from "../table.ts";
import { formatIssues } from "../validation/format_issues.ts";
import { nonEmpty } from "../validation/schema_parts.ts";
import { LOGTAPE_LEVELS, thresholdRank } from "./_levels.ts";

/** Options of {@linkcode getClickHouseSink}. */
export interface ClickHouseSinkOptions {
  /** The log table: `"db.table"`, `"table"` or a `Table` (whose `timeColumn` is used). */
  table: string | Table;
  /**
   * The app name written in the `app` column (`ServiceName` in the `"otel"`
   * layout); else `setAppName()`'s, else `APP`.
   */
  appName?: string;
  /**
   * The table's layout: `"tusk"`, the log table `./logging` writes (see
   * `logsTableDdl`), or `"otel"`, the OpenTelemetry Collector ClickHouse
   * exporter's `otel_logs` table (see `otelLogsTableDdl`): the category in
   * `ScopeName`, the level as an OpenTelemetry severity (trace 1, debug 5,
   * info 9, warning 13, error 17, fatal 21), the properties in
   * `LogAttributes`, the error in the `exception.*` attributes.
   * @default {"tusk"}
   */
  layout?: LogLayout;
  /**
   * `"otel"` layout: resource attributes added to (or replacing) the ones Tusk
   * writes (`service.name`, `telemetry.sdk.name`, and `host.name` and
   * `tusk.category` from `TUSK_HOST` and `TUSK_CATEGORY`).
   */
  resourceAttributes?: Record<string, string>;
  /**
   * The least severe level written: a LogTape level, or a `level` column
   * number from 1 (fatal) to 5 (debug and trace). LogTape's own
   * `lowestLevel` and filters apply first.
   * @default {"trace"}
   */
  level?: LogTapeLevel | number;
  /**
   * Column names, by role, as for `logging.init`; `null` leaves a column out.
   * The time column is the table's first `DateTime`/`DateTime64` column (or
   * the `Table`'s `timeColumn`). `"tusk"` layout only.
   * @default {{ app: "app", level: "level", logger: "logger", line: "line", error: "error", message: "message", stacktrace: "stacktrace" }}
   */
  columns?: Partial<LogColumns>;
  /**
   * Record properties to write into columns of their own, as
   * `{ property: column }`; each value is written as it is, so the column's
   * type must fit it.
   */
  contextColumns?: Record<string, string>;
  /**
   * The column that receives the properties no `contextColumns` entry takes
   * (and not the error): a `Map(String, String)` gets one entry per property,
   * a `String` one JSON object. When the table has no such column, the
   * properties are left out; `null` leaves them out always. `"tusk"` layout
   * only: the `"otel"` layout writes them into `LogAttributes`.
   * @default {"properties"}
   */
  propertiesColumn?: string | null;
  /**
   * The client to write through.
   * @default {"default"}
   */
  clientName?: string;
  /** Batching for the log table (the first writer of a table sets it). */
  batching?: BatchingOptions;
}

/** The options with defaults applied. */
export interface ResolvedSinkOptions {
  table: Table;
  appName: string | undefined;
  layout: LogLayout;
  resourceAttributes: Record<string, string>;
  /** The severity rank (0 trace ... 5 fatal) from which records are written. */
  threshold: number;
  columns: LogColumns;
  contextColumns: Record<string, string>;
  propertiesColumn: string | null;
  /** Whether `propertiesColumn` was given (a missing column is then reported). */
  propertiesColumnGiven: boolean;
  clientName: string;
  batching: BatchingOptions | undefined;
}

const Schema = v.strictObject({
  table: v.union([nonEmpty, v.instance(Table)]),
  appName: v.optional(nonEmpty),
  layout: v.optional(v.picklist(["tusk", "otel"])),
  resourceAttributes: v.optional(v.record(nonEmpty, v.string())),
  level: v.optional(v.union([v.picklist(LOGTAPE_LEVELS), v.picklist([1, 2, 3, 4, 5])])),
  columns: v.optional(LogColumnsSchema),
  contextColumns: v.optional(v.record(v.string(), nonEmpty)),
  propertiesColumn: v.optional(v.nullable(nonEmpty)),
  clientName: v.optional(nonEmpty),
  batching: v.optional(v.unknown()),
});

/**
 * Validates the sink's options and applies defaults.
 *
 * @param options What the user gave.
 * @returns The resolved options.
 * @throws {TypeError} Naming every bad option.
 */
export function resolveSinkOptions(options: unknown): ResolvedSinkOptions {
  const result = v.safeParse(Schema, options);
  if (!result.success) {
    throw new TypeError(
      `Cannot create the ClickHouse sink: ${formatIssues(result.issues, "option").join("; ")}`,
    );
  }
  const o = result.output;
  const layout = o.layout ?? "tusk";
  const misplaced = layout === "otel"
    ? (["columns", "propertiesColumn"] as const).filter((key) => o[key] !== undefined)
    : o.resourceAttributes === undefined
    ? []
    : ["resourceAttributes"];
  if (misplaced.length > 0) {
    const other = layout === "otel" ? "tusk" : "otel";
    throw new TypeError(
      `Cannot create the ClickHouse sink: option "${misplaced[0]}" is for layout "${other}"`,
    );
  }
  const table = logTableFor(o.table, layout);
  const columns = logColumns(o.columns);
  return {
    table,
    appName: o.appName,
    layout,
    resourceAttributes: { ...o.resourceAttributes },
    threshold: thresholdRank(o.level ?? "trace"),
    columns,
    contextColumns: { ...o.contextColumns },
    propertiesColumn: o.propertiesColumn === undefined ? "properties" : o.propertiesColumn,
    propertiesColumnGiven: o.propertiesColumn !== undefined,
    clientName: o.clientName ?? "default",
    batching: o.batching === undefined
      ? undefined
      : parseBatching(o.batching, `logging table "${table}": option "batching"`),
  };
}
