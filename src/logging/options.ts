import * as v from "valibot";
import {
  type CreateTableOption,
  CreateTableSchema,
  type TableCreation,
  tableCreation,
} from "../tables/create_table_option.ts";
import { type BatchingOptions, parseBatching } from "../client/options.ts";
import { formatIssues } from "../validation/format_issues.ts";
import { Table } from "../table.ts";
import { LEVEL_NAMES, levelNumber, type LogLevel } from "./levels.ts";
import type { LogColumns, LogLayout } from "./log_sink.ts";

/** Options of the logging `init`. */
export interface LoggingOptions {
  /** The log table: `"db.table"`, `"table"` or a `Table` (whose `timeColumn` is used). */
  table: string | Table;
  /**
   * The app name written in the `app` column (`ServiceName` in the `"otel"`
   * layout); else `setAppName()`'s, else `APP`.
   */
  appName?: string;
  /**
   * The table's layout: `"tusk"`, the original library's log table (see
   * `logsTableDdl`), or `"otel"`, the OpenTelemetry Collector ClickHouse
   * exporter's `otel_logs` table (see `otelLogsTableDdl`), which log viewers
   * built on that exporter read.
   * @default {"tusk"}
   */
  layout?: LogLayout;
  /**
   * `"otel"` layout: resource attributes added to (or replacing) the ones Tusk
   * writes (`service.name`, `telemetry.sdk.name`, and `host.name` and
   * `tusk.category` from `TUSK_HOST` and `TUSK_CATEGORY`), e.g.
   * `{ "deployment.environment.name": "production" }`.
   */
  resourceAttributes?: Record<string, string>;
  /**
   * The least severe level recorded: a name, or a number from 1 (critical) to 5 (debug).
   * @default {"info"}
   */
  level?: LogLevel | number;
  /**
   * Also record `console.error`, `warn`, `info`, `log` and `debug` calls (they still print).
   * @default {true}
   */
  console?: boolean;
  /**
   * Column names, by role; `null` leaves a column out. The time column is the
   * table's first `DateTime`/`DateTime64` column (or the `Table`'s `timeColumn`).
   * `"tusk"` layout only: the `"otel"` layout's columns are the exporter's.
   * @default {{ app: "app", level: "level", logger: "logger", line: "line", error: "error", message: "message", stacktrace: "stacktrace" }}
   */
  columns?: Partial<LogColumns>;
  /**
   * Structured fields of a log call to write, as `{ field: column }`. In the
   * `"tusk"` layout other fields are ignored; in the `"otel"` layout they go
   * into `LogAttributes`.
   */
  contextColumns?: Record<string, string>;
  /**
   * The client to write through.
   * @default {"default"}
   */
  clientName?: string;
  /** Batching for the log table (the first writer of a table sets it). */
  batching?: BatchingOptions;
  /**
   * Create the table (and its database) if missing, before the first row,
   * with the layout of `logsTableDdl` for the connected server (these
   * `columns`; `{ ttlDays }` for a retention other than 7 days). An existing
   * table is never altered: one that lacks a column logging writes fails with
   * an error naming the `ALTER TABLE` to run, and the rows are kept.
   * `{ cluster: "name" }` makes it on that cluster (`ON CLUSTER`, a
   * `ReplicatedMergeTree` `<table>_local` and a `Distributed` table under the
   * name given, which the rows are written to), as `logsTableDdl` does.
   * `"tusk"` layout only.
   * @default {false}
   */
  createTable?: CreateTableOption;
}

/** The options with defaults applied. */
export interface ResolvedLoggingOptions {
  table: Table;
  appName: string | undefined;
  layout: LogLayout;
  resourceAttributes: Record<string, string>;
  threshold: number;
  console: boolean;
  columns: LogColumns;
  contextColumns: Record<string, string>;
  clientName: string;
  batching: BatchingOptions | undefined;
  /** `createTable`: `undefined` when off, else the retention (`undefined`: the default) and cluster. */
  createTable: TableCreation | undefined;
}

/** The log table's column names when `columns` leaves them out. */
export const DEFAULT_COLUMNS: Readonly<LogColumns> = {
  app: "app",
  level: "level",
  logger: "logger",
  line: "line",
  error: "error",
  message: "message",
  stacktrace: "stacktrace",
};

const name = v.pipe(v.string(), v.minLength(1));
const column = v.optional(v.nullable(name));

/** The `columns` option: a name or `null` per role, every role optional. */
export const LogColumnsSchema = v.strictObject({
  app: column,
  level: column,
  logger: column,
  line: column,
  error: column,
  message: column,
  stacktrace: column,
});

const Schema = v.strictObject({
  table: v.union([name, v.instance(Table)]),
  appName: v.optional(name),
  layout: v.optional(v.picklist(["tusk", "otel"])),
  resourceAttributes: v.optional(v.record(name, v.string())),
  level: v.optional(v.union([v.picklist(LEVEL_NAMES), v.picklist([1, 2, 3, 4, 5])])),
  console: v.optional(v.boolean()),
  columns: v.optional(LogColumnsSchema),
  contextColumns: v.optional(v.record(v.string(), name)),
  clientName: v.optional(name),
  batching: v.optional(v.unknown()),
  createTable: v.optional(CreateTableSchema),
});

/**
 * Validates the logging options and applies defaults.
 *
 * @param options What the user gave.
 * @returns The resolved options.
 * @throws {TypeError} Naming every bad option.
 */
export function resolveLoggingOptions(options: unknown): ResolvedLoggingOptions {
  const result = v.safeParse(Schema, options);
  if (!result.success) {
    throw new TypeError(
      `Cannot start logging: ${formatIssues(result.issues, "option").join("; ")}`,
    );
  }
  const o = result.output;
  const layout = o.layout ?? "tusk";
  if (layout === "otel" && o.columns !== undefined) {
    throw new TypeError(
      'Cannot start logging: option "columns" is for layout "tusk"; layout "otel" writes the exporter\'s columns',
    );
  }
  if (layout === "tusk" && o.resourceAttributes !== undefined) {
    throw new TypeError(
      'Cannot start logging: option "resourceAttributes" is for layout "otel"',
    );
  }
  if (layout === "otel" && o.createTable !== undefined && o.createTable !== false) {
    throw new TypeError(
      'Cannot start logging: option "createTable" is for layout "tusk"; create the otel_logs table with otelLogsTableDdl()',
    );
  }
  const table = logTableFor(o.table, layout);
  const columns = logColumns(o.columns);
  return {
    table,
    appName: o.appName,
    layout,
    resourceAttributes: { ...o.resourceAttributes },
    threshold: levelNumber(o.level ?? "info")!,
    console: o.console ?? true,
    columns,
    contextColumns: { ...o.contextColumns },
    clientName: o.clientName ?? "default",
    batching: o.batching === undefined
      ? undefined
      : parseBatching(o.batching, `logging table "${table}": option "batching"`),
    createTable: tableCreation(o.createTable),
  };
}

/**
 * The default log columns with the renames (or `null`s) given applied.
 *
 * @param given The `columns` option.
 * @returns Every role's column.
 */
export function logColumns(
  given: Partial<Record<keyof LogColumns, string | null>> | undefined,
): LogColumns {
  const columns: LogColumns = { ...DEFAULT_COLUMNS };
  for (const [role, value] of Object.entries(given ?? {})) {
    if (value !== undefined) columns[role as keyof LogColumns] = value;
  }
  return columns;
}

/**
 * The log table as a `Table`: the otel layout's time is `Timestamp`,
 * whatever other time columns the table has.
 *
 * @param table The table as given.
 * @param layout The layout.
 * @returns The table.
 */
export function logTableFor(table: string | Table, layout: LogLayout): Table {
  const parsed = typeof table === "string" ? Table.fromString(table) : table;
  if (layout !== "otel" || parsed.timeColumn !== undefined) return parsed;
  return new Table({
    database: parsed.database,
    tableName: parsed.tableName,
    timeColumn: "Timestamp",
  });
}
