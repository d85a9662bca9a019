import * as v from "valibot";
import { type BatchingOptions, parseBatching } from "../client/options.ts";
import { formatIssues } from "../validation/format_issues.ts";
import { Table } from "../table.ts";
import { LEVEL_NAMES, levelNumber, type LogLevel } from "./levels.ts";
import type { LogColumns } from "./log_sink.ts";

/** Options of the logging `init`. */
export interface LoggingOptions {
  /** The log table: `"db.table"`, `"table"` or a `Table` (whose `timeColumn` is used). */
  table: string | Table;
  /** The app name written in the `app` column; else `setAppName()`'s, else `APP`. */
  appName?: string;
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
   * @default {{ app: "app", level: "level", logger: "logger", line: "line", error: "error", message: "message", stacktrace: "stacktrace" }}
   */
  columns?: Partial<LogColumns>;
  /** Structured fields of a log call to write, as `{ field: column }`; others are ignored. */
  contextColumns?: Record<string, string>;
  /**
   * The client to write through.
   * @default {"default"}
   */
  clientName?: string;
  /** Batching for the log table (the first writer of a table sets it). */
  batching?: BatchingOptions;
}

/** The options with defaults applied. */
export interface ResolvedLoggingOptions {
  table: Table;
  appName: string | undefined;
  threshold: number;
  console: boolean;
  columns: LogColumns;
  contextColumns: Record<string, string>;
  clientName: string;
  batching: BatchingOptions | undefined;
}

const DEFAULT_COLUMNS: LogColumns = {
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
const Schema = v.strictObject({
  table: v.union([name, v.instance(Table)]),
  appName: v.optional(name),
  level: v.optional(v.union([v.picklist(LEVEL_NAMES), v.picklist([1, 2, 3, 4, 5])])),
  console: v.optional(v.boolean()),
  columns: v.optional(v.strictObject({
    app: column,
    level: column,
    logger: column,
    line: column,
    error: column,
    message: column,
    stacktrace: column,
  })),
  contextColumns: v.optional(v.record(v.string(), name)),
  clientName: v.optional(name),
  batching: v.optional(v.unknown()),
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
  const table = typeof o.table === "string" ? Table.fromString(o.table) : o.table;
  const columns = { ...DEFAULT_COLUMNS };
  for (const [role, value] of Object.entries(o.columns ?? {})) {
    if (value !== undefined) columns[role as keyof LogColumns] = value;
  }
  return {
    table,
    appName: o.appName,
    threshold: levelNumber(o.level ?? "info")!,
    console: o.console ?? true,
    columns,
    contextColumns: { ...o.contextColumns },
    clientName: o.clientName ?? "default",
    batching: o.batching === undefined
      ? undefined
      : parseBatching(o.batching, `logging table "${table}": option "batching"`),
  };
}
