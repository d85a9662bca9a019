import type { TableWriter } from "../batching/table_writer.ts";
import { isReporting } from "../client/reporter.ts";
import { TuskError } from "../errors.ts";
import { errorFields } from "./_error_fields.ts";
import { OtelRows } from "./_otel_rows.ts";
import type { PropertiesColumn } from "./_properties_column.ts";
import { TuskRows } from "./_tusk_rows.ts";
import { type AnyFunction, captureCaller } from "./caller.ts";
import { wellFormed } from "./_well_formed.ts";
import { filePath } from "./_file_path.ts";
import { firstError, formatArgs, formatLogCall } from "./format_args.ts";
import { type OtelSeverity, otelSeverity } from "./otel_severity.ts";

/**
 * Which table layout log rows take: `"tusk"`, the original library's log table
 * (`app`, the time, `level`, `logger`, `line`, `error`, `message`,
 * `stacktrace`), or `"otel"`, the OpenTelemetry Collector ClickHouse
 * exporter's `otel_logs` table.
 */
export type LogLayout = "tusk" | "otel";

/** Column names of the log table; `null` leaves a column out. */
export interface LogColumns {
  /** The app name. @default {"app"} */
  app: string | null;
  /** The level number (1 critical ... 5 debug). @default {"level"} */
  level: string | null;
  /** The calling file's base name. @default {"logger"} */
  logger: string | null;
  /** The calling line. @default {"line"} */
  line: string | null;
  /** The error's name, or "". @default {"error"} */
  error: string | null;
  /** The message. @default {"message"} */
  message: string | null;
  /** The error's stack, or "". @default {"stacktrace"} */
  stacktrace: string | null;
}

/** Structured fields of one log call, mapped to columns by `contextColumns`. */
export type LogFields = Readonly<Record<string, unknown>>;

/** What a {@linkcode LogSink} needs. */
export interface LogSinkOptions {
  writer: TableWriter;
  report: (error: Error) => void;
  threshold: number;
  app: string;
  /** The columns of the `"tusk"` layout (unused by `"otel"`). */
  columns: LogColumns;
  contextColumns: Readonly<Record<string, string>>;
  /**
   * `"tusk"` layout: the column for the fields no context column takes
   * (written once the schema is known); none leaves them out.
   */
  properties?: PropertiesColumn;
  /** @default {"tusk"} */
  layout?: LogLayout;
  /** `ResourceAttributes` of the `"otel"` layout. @default {{ "service.name": app }} */
  resource?: Readonly<Record<string, string>>;
}

/**
 * A log record made elsewhere (by another logging library): its message is
 * formatted, it names its logger and may carry its own time. No stack is
 * captured: the call site is what the record says (`line` 0, and no `code.*`
 * attributes, when it says nothing).
 */
export interface LogRecord {
  /** The Tusk level number, 1 (critical) to 5 (debug). */
  level: number;
  /** The formatted message. */
  message: string;
  /** The logger's name: the `logger` column, or `ScopeName`. */
  logger: string;
  /** An error: the `error` and `stacktrace` columns, or the `exception.*` attributes. */
  error?: unknown;
  /** Structured fields: `contextColumns`, or (`"otel"`) `LogAttributes`. */
  fields?: LogFields;
  /** The record's time in epoch milliseconds; else the time of this call. */
  time?: number;
  /** The `"otel"` layout's severity, when finer than the level's (a LogTape `trace`: 1). */
  severity?: OtelSeverity;
  /** The calling line, when the other library captured it: `line`, or `code.line.number`. */
  line?: number;
  /** The calling file's path or URL, when captured: `code.file.path` (the `"otel"` layout). */
  file?: string;
}

/**
 * Turns log calls into rows of one table, in the `"tusk"` or `"otel"` layout.
 * Everything it does is caught and reported; a call made while it is writing
 * (or while the library reports a problem) is dropped, so no path leads back
 * into the log table.
 */
export class LogSink {
  /** The least severe level recorded (its number). */
  readonly threshold: number;
  readonly #report: (error: unknown) => void;
  #busy = false;
  /** The row maker of the layout: exactly one is set. */
  readonly #tusk: TuskRows | undefined;
  readonly #otel: OtelRows | undefined;

  /** @param options Writer, layout, columns, level and app. */
  constructor(options: LogSinkOptions) {
    const report = options.report;
    this.#report = (error) => {
      try {
        report(error instanceof Error ? error : new TuskError(String(error)));
      } catch {
        // Reporting never throws; this is belt and braces.
      }
    };
    this.threshold = options.threshold;
    // The app name is in every row: text it cannot hold is mended once, here.
    const app = wellFormed(options.app);
    const { writer, contextColumns } = options;
    if (options.layout === "otel") {
      const resource = options.resource ?? { "service.name": app };
      this.#otel = new OtelRows({ writer, report: this.#report, app, resource, contextColumns });
    } else {
      this.#tusk = new TuskRows({
        writer,
        report: this.#report,
        app,
        columns: options.columns,
        contextColumns,
        properties: options.properties,
      });
    }
  }

  /** The layout rows take. */
  get layout(): LogLayout {
    return this.#otel === undefined ? "tusk" : "otel";
  }

  /**
   * Records a logger call.
   *
   * @param level The level's number.
   * @param message The message, or a format string for the arguments after it.
   * @param args The arguments after it, as the logger method got them.
   * @param above The logger method the application called.
   * @param name The logger's name, used when the stack names no file.
   * @param thrown The error given to `exception`.
   */
  log(
    level: number,
    message: unknown,
    args: readonly unknown[],
    above: AnyFunction,
    name: string,
    thrown?: unknown,
  ): void {
    if (this.#busy || isReporting()) return;
    this.#busy = true;
    try {
      const call = formatLogCall(message, args);
      const error = thrown !== undefined ? thrown : call.error;
      this.#emit(level, call.message, error, call.fields, above, name, name !== "");
    } catch (error) {
      this.#report(error);
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Records an intercepted console call.
   *
   * @param level The level's number.
   * @param args The call's arguments.
   * @param above The console wrapper the application called.
   */
  console(level: number, args: unknown[], above: AnyFunction): void {
    if (level > this.threshold || this.#busy || isReporting()) return;
    this.#busy = true;
    try {
      this.#emit(level, formatArgs(args), firstError(args), undefined, above, "console", false);
    } catch (error) {
      this.#report(error);
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Records a log record made elsewhere (a LogTape record), in either layout.
   * Below the threshold, while writing, or while the library reports a
   * problem, it does nothing. Never throws.
   *
   * @param record The record.
   */
  record(record: LogRecord): void {
    if (record.level > this.threshold || this.#busy || isReporting()) return;
    this.#busy = true;
    try {
      const { level, message, error, fields, time } = record;
      if (this.#otel !== undefined) {
        this.#otel.write({
          severity: record.severity ?? otelSeverity(level),
          body: wellFormed(message),
          scope: wellFormed(record.logger),
          path: record.file === undefined ? undefined : wellFormed(filePath(record.file)),
          line: record.line,
          error: error === undefined ? undefined : errorFields(error),
          fields,
          time,
        });
      } else {
        const tusk = this.#tusk!;
        const site = tusk.caller
          ? { file: wellFormed(record.logger), line: record.line ?? 0 }
          : undefined;
        tusk.write({ level, message, thrown: error, fields, site, time });
      }
    } catch (error) {
      this.#report(error);
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Reports a misuse (an unknown level) the way the library reports its own problems.
   *
   * @param error What went wrong.
   */
  problem(error: Error): void {
    this.#report(error);
  }

  // A call of this process: the call site is captured only when the layout
  // writes it. `named`: the logger has a name, which is the otel ScopeName.
  #emit(
    level: number,
    message: string,
    thrown: unknown,
    fields: LogFields | undefined,
    above: AnyFunction,
    name: string,
    named: boolean,
  ): void {
    if (this.#otel !== undefined) {
      const found = captureCaller(above);
      this.#otel.write({
        severity: otelSeverity(level),
        body: wellFormed(message),
        scope: wellFormed(named ? name : found?.file ?? name),
        path: found === undefined ? undefined : wellFormed(filePath(found.path)),
        line: found?.line,
        error: thrown === undefined ? undefined : errorFields(thrown),
        fields,
        time: undefined,
      });
      return;
    }
    const tusk = this.#tusk!;
    let site: { file: string; line: number } | undefined;
    if (tusk.caller) {
      const found = captureCaller(above);
      site = { file: wellFormed(found?.file ?? name), line: found?.line ?? 0 };
    }
    tusk.write({ level, message, thrown, fields, site, time: undefined });
  }
}
