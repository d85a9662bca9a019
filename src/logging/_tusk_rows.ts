import type { TableWriter } from "../batching/table_writer.ts";
import { TuskError } from "../errors.ts";
import type { RowEncoder, RowTemplate } from "../schema/row_encoder.ts";
import { errorFields } from "./_error_fields.ts";
import {
  type PropertiesColumn,
  type PropertiesKind,
  propertiesKind,
  propertiesValue,
} from "./_properties_column.ts";
import { wellFormed } from "./_well_formed.ts";
import type { LogColumns, LogFields } from "./log_sink.ts";

/** One log event, in the terms of the `"tusk"` layout. */
export interface TuskEvent {
  level: number;
  message: string;
  thrown: unknown;
  fields: LogFields | undefined;
  /** The `logger` and `line` values; `undefined` when neither column is written. */
  site: { file: string; line: number } | undefined;
  /** The event's time in epoch milliseconds; else the write's. */
  time: number | undefined;
}

/** What {@linkcode TuskRows} needs. */
export interface TuskRowsOptions {
  writer: TableWriter;
  report: (error: Error) => void;
  /** The `app` column's value, well formed. */
  app: string;
  columns: LogColumns;
  contextColumns: Readonly<Record<string, string>>;
  /** The column for the fields no context column takes; none leaves them out. */
  properties?: PropertiesColumn;
}

interface Layout {
  columns: LogColumns;
  context: ReadonlyArray<readonly [string, string]>;
  caller: boolean;
  /** The properties column, once the schema shows it can hold them. */
  properties: { column: string; kind: PropertiesKind } | undefined;
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
 * Writes log events as rows of the original library's log table: `app`, the
 * time, `level`, `logger`, `line`, `error`, `message`, `stacktrace` (each
 * renamable or left out), `contextColumns`, and the other fields in a
 * properties column when one is given. Columns the table lacks are
 * left out and reported once per schema, so a narrower table still gets its
 * rows.
 */
export class TuskRows {
  readonly #o: TuskRowsOptions;
  #layout: Layout;
  #layoutFor: RowEncoder | undefined;

  /** @param options Writer, app and columns. */
  constructor(options: TuskRowsOptions) {
    this.#o = options;
    this.#layout = layoutOf(options.columns, Object.entries(options.contextColumns), undefined);
  }

  /** Whether rows carry the call site (`logger` or `line`): a stack is captured only then. */
  get caller(): boolean {
    return this.#currentLayout().caller;
  }

  /**
   * Buffers one event's row. Throws only what the writer throws for a row the
   * table refuses, after retrying it without the context columns.
   *
   * @param event The event.
   */
  write(event: TuskEvent): void {
    const { level, thrown, fields, site, time } = event;
    let message = event.message;
    const layout = this.#currentLayout();
    const { columns, context, properties } = layout;
    const file = site?.file;
    const line = site?.line;
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
    const plainCall = fields === undefined || (context.length === 0 && properties === undefined);
    // The usual call, once the schema is known: only the changing values are encoded.
    if (plainCall && time === undefined && layout.encoder !== undefined) {
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
    if (properties !== undefined && fields !== undefined) {
      row[properties.column] = propertiesValue(properties.kind, this.#rest(fields));
    }
    if (plainCall) {
      writer.write(row, time);
      return;
    }
    const plain = { ...row };
    for (const [field, column] of context) {
      if (Object.hasOwn(fields, field)) row[column] = fields[field];
    }
    try {
      writer.write(row, time);
    } catch (error) {
      // A context value the column cannot hold must not cost the log line.
      writer.write(plain, time);
      this.#o.report(error instanceof Error ? error : new TuskError(String(error)));
    }
  }

  // The fields no context column takes (whether or not the table has that column).
  #rest(fields: LogFields): Array<readonly [string, unknown]> {
    const context = this.#o.contextColumns;
    const rest: Array<readonly [string, unknown]> = [];
    for (const name in fields) {
      if (Object.hasOwn(fields, name) && !Object.hasOwn(context, name)) {
        rest.push([name, fields[name]]);
      }
    }
    return rest;
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
      this.#layout = layoutOf(columns, context, undefined);
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
    const properties = this.#propertiesOf(encoder, missing);
    if (missing.length > 0) {
      const hint = this.#o.properties === undefined
        ? "set it to null in columns or contextColumns"
        : "set it to null in columns or propertiesColumn, or drop it from contextColumns,";
      this.#o.report(
        new TuskError(
          `Cannot log into "${encoder.table}": no column ${
            missing.map((c) => `"${c}"`).join(", ")
          }; left out (${hint} to silence this)`,
        ),
      );
    }
    this.#layout = layoutOf(columns, present, properties, encoder);
    return this.#layout;
  }

  // The properties column as the schema has it: a missing one that was asked
  // for joins `missing`; one of a type that holds neither form is reported.
  #propertiesOf(encoder: RowEncoder, missing: string[]): Layout["properties"] {
    const wanted = this.#o.properties;
    if (wanted === undefined) return undefined;
    const info = encoder.columns.find((c) => c.name === wanted.name);
    if (info === undefined) {
      if (wanted.required) missing.push(wanted.name);
      return undefined;
    }
    const kind = propertiesKind(info.type);
    if (kind !== undefined) return { column: info.name, kind };
    this.#o.report(
      new TuskError(
        `Cannot log properties into "${encoder.table}": column "${info.name}" is ` +
          `${info.typeText}, not String or Map(String, String); left out`,
      ),
    );
    return undefined;
  }
}

function layoutOf(
  columns: LogColumns,
  context: ReadonlyArray<readonly [string, string]>,
  properties: Layout["properties"],
  encoder?: RowEncoder,
): Layout {
  const caller = columns.logger !== null || columns.line !== null;
  return { columns, context, caller, properties, encoder, templates: [] };
}
