import type { TableWriter } from "../batching/table_writer.ts";
import { isReporting } from "../client/reporter.ts";
import { TuskError } from "../errors.ts";
import type { RowEncoder, RowTemplate } from "../schema/row_encoder.ts";
import { errorFields } from "./_error_fields.ts";
import { type AnyFunction, captureCaller } from "./caller.ts";
import { wellFormed } from "./_well_formed.ts";
import { firstError, formatArgs, formatLogCall } from "./format_args.ts";

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
  columns: LogColumns;
  contextColumns: Readonly<Record<string, string>>;
}

interface Layout {
  columns: LogColumns;
  context: ReadonlyArray<readonly [string, string]>;
  caller: boolean;
  /** The schema the templates are for; none before it is known. */
  encoder?: RowEncoder;
  /**
   * Line templates of that schema, made on first use, by `level * 2 + 1` for
   * calls with an error (taking `[logger, line, error, stacktrace, message]`)
   * and `level * 2` without (taking `[logger, line, message]`): the app, the
   * level and an empty error are encoded once, with the time.
   */
  templates: RowTemplate[];
}

/**
 * Turns log calls into rows of one table. Everything it does is caught and
 * reported; a call made while it is writing (or while the library reports a
 * problem) is dropped, so no path leads back into the log table.
 */
export class LogSink {
  /** The least severe level recorded (its number). */
  readonly threshold: number;
  readonly #o: LogSinkOptions;
  #busy = false;
  #layout: Layout;
  #layoutFor: RowEncoder | undefined;

  /** @param options Writer, columns, level and app. */
  constructor(options: LogSinkOptions) {
    // The app name is in every row: text it cannot hold is mended once, here.
    this.#o = { ...options, app: wellFormed(options.app) };
    this.threshold = options.threshold;
    this.#layout = layoutOf(options.columns, Object.entries(options.contextColumns));
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
      this.#emit(level, call.message, error, call.fields, above, name);
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
      this.#emit(level, formatArgs(args), firstError(args), undefined, above, "console");
    } catch (error) {
      this.#report(error);
    } finally {
      this.#busy = false;
    }
  }

  #emit(
    level: number,
    message: string,
    thrown: unknown,
    fields: LogFields | undefined,
    above: AnyFunction,
    name: string,
  ): void {
    const layout = this.#currentLayout();
    const { columns, context, caller } = layout;
    let file: string | undefined;
    let line: number | undefined;
    if (caller) {
      const found = captureCaller(above);
      file = wellFormed(found?.file ?? name);
      line = found?.line ?? 0;
    }
    let errorName = "";
    let stack = "";
    const withError = thrown !== undefined &&
      (columns.error !== null || columns.stacktrace !== null);
    if (withError) {
      ({ name: errorName, stack } = errorFields(thrown));
      errorName = wellFormed(errorName);
      stack = wellFormed(stack);
    }
    // Text the table cannot hold (a lone surrogate) is mended, not refused: see _well_formed.ts.
    message = wellFormed(message);
    const writer = this.#o.writer;
    const plainCall = fields === undefined || context.length === 0;
    // The usual call, once the schema is known: only the changing values are encoded.
    if (plainCall && layout.encoder !== undefined) {
      const template = this.#template(layout, level, withError);
      const values = withError ? [file, line, errorName, stack, message] : [file, line, message];
      if (writer.writeValues(template, values)) return;
    }
    const row: Record<string, unknown> = {};
    if (columns.app !== null) row[columns.app] = this.#o.app;
    if (columns.level !== null) row[columns.level] = level;
    if (columns.logger !== null) row[columns.logger] = file;
    if (columns.line !== null) row[columns.line] = line;
    if (columns.error !== null) row[columns.error] = errorName;
    if (columns.stacktrace !== null) row[columns.stacktrace] = stack;
    if (columns.message !== null) row[columns.message] = message;
    if (plainCall) {
      writer.write(row);
      return;
    }
    const plain = { ...row };
    for (const [field, column] of context) {
      if (Object.hasOwn(fields, field)) row[column] = fields[field];
    }
    try {
      writer.write(row);
    } catch (error) {
      // A context value the column cannot hold must not cost the log line.
      writer.write(plain);
      this.#report(error);
    }
  }

  #template(layout: Layout, level: number, withError: boolean): RowTemplate {
    const key = level * 2 + (withError ? 1 : 0);
    let template = layout.templates[key];
    if (template === undefined) {
      const { columns } = layout;
      const fixed: Record<string, unknown> = {};
      if (columns.app !== null) fixed[columns.app] = this.#o.app;
      if (columns.level !== null) fixed[columns.level] = level;
      if (!withError) {
        if (columns.error !== null) fixed[columns.error] = "";
        if (columns.stacktrace !== null) fixed[columns.stacktrace] = "";
      }
      const changing = withError
        ? [columns.logger, columns.line, columns.error, columns.stacktrace, columns.message]
        : [columns.logger, columns.line, columns.message];
      template = layout.encoder!.template(changing, fixed);
      layout.templates[key] = template;
    }
    return template;
  }

  // Columns the table lacks are left out (and reported once per schema), so
  // a narrower table still gets its rows, and a stack is captured only when
  // `logger` or `line` will be written.
  #currentLayout(): Layout {
    const encoder = this.#o.writer.encoder;
    if (encoder === this.#layoutFor) return this.#layout;
    this.#layoutFor = encoder;
    const columns = { ...this.#o.columns };
    const context = Object.entries(this.#o.contextColumns);
    if (encoder === undefined) {
      this.#layout = layoutOf(columns, context);
      return this.#layout;
    }
    const missing: string[] = [];
    for (const key of Object.keys(columns) as (keyof LogColumns)[]) {
      const column = columns[key];
      if (column !== null && !encoder.has(column)) {
        missing.push(column);
        columns[key] = null;
      }
    }
    const present = context.filter(([, column]) => encoder.has(column) || !missing.push(column));
    if (missing.length > 0) {
      this.#o.report(
        new TuskError(
          `Cannot log into "${encoder.table}": no column ${
            missing.map((c) => `"${c}"`).join(", ")
          }; left out (set it to null in columns or contextColumns to silence this)`,
        ),
      );
    }
    this.#layout = layoutOf(columns, present, encoder);
    return this.#layout;
  }

  /**
   * Reports a misuse (an unknown level) the way the library reports its own problems.
   *
   * @param error What went wrong.
   */
  problem(error: Error): void {
    this.#report(error);
  }

  #report(error: unknown): void {
    try {
      this.#o.report(error instanceof Error ? error : new TuskError(String(error)));
    } catch {
      // Reporting never throws; this is belt and braces.
    }
  }
}

function layoutOf(
  columns: LogColumns,
  context: ReadonlyArray<readonly [string, string]>,
  encoder?: RowEncoder,
): Layout {
  const caller = columns.logger !== null || columns.line !== null;
  return { columns, context, caller, encoder, templates: [] };
}
