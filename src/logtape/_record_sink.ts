import type { LogTapeRecord } from "./logtape_record.ts";
import type { TableWriter } from "../batching/table_writer.ts";
import { isReporting } from "../client/reporter.ts";
import { TuskError } from "../errors.ts";
import { errorFields, wellFormed } from "../logging/log_values.ts";
import type { RowEncoder } from "../schema/row_encoder.ts";
import { LEVEL_NUMBERS, levelRank } from "./_levels.ts";
import { errorKey, propertiesKind, propertiesValue } from "./_properties.ts";
import type { PropertiesKind } from "./_properties.ts";
import { renderMessage } from "./_render_message.ts";
import { EarlyEntries } from "./_early_entries.ts";
import type { ResolvedSinkOptions } from "./clickhouse_sink_options.ts";

/** One record, rendered: what its row needs, whatever the table's columns. */
export interface Entry {
  time: number;
  level: number;
  logger: string;
  line: number;
  message: string;
  /** The error's name and stack, when a property held one. */
  error: { name: string; stack: string } | undefined;
  properties: Readonly<Record<string, unknown>>;
  /** The properties for the properties column: all but the error and the context fields. */
  rest: ReadonlyArray<readonly [string, unknown]>;
}

/** What a {@linkcode RecordSink} needs. */
export interface RecordSinkParts {
  writer: TableWriter;
  report: (error: Error) => void;
  /** Whether the client is configured and may read the schema in the background now. */
  canReadSchema: () => boolean;
  app: string;
  options: ResolvedSinkOptions;
}

interface Layout {
  encoder: RowEncoder;
  columns: ResolvedSinkOptions["columns"];
  context: ReadonlyArray<readonly [string, string]>;
  properties: { column: string; kind: PropertiesKind } | undefined;
}

/**
 * Turns LogTape records into rows of a log table. Rows are made once the
 * table's columns are known, so that columns it lacks are left out and the
 * properties column gets the form its type takes; records that come before
 * wait in {@linkcode EarlyEntries}. Nothing it does throws: problems are
 * reported, and a record that comes while the library reports one is
 * dropped, so no path leads back into the table.
 */
export class RecordSink {
  readonly #p: RecordSinkParts;
  readonly #early: EarlyEntries;
  #layout: Layout | undefined;
  #busy = false;

  /** @param parts Writer, reporting, app and options. */
  constructor(parts: RecordSinkParts) {
    this.#p = { ...parts, app: wellFormed(parts.app) };
    this.#early = new EarlyEntries(parts.writer, (encoder) => this.#writeAll(encoder));
  }

  /**
   * Takes one record: synchronous, never throws.
   *
   * @param record The record LogTape hands its sinks.
   */
  accept(record: LogTapeRecord): void {
    if (this.#busy || isReporting()) return;
    this.#busy = true;
    try {
      const rank = levelRank(record.level);
      if (rank < this.#p.options.threshold) return;
      const entry = this.#entry(record);
      const encoder = this.#p.writer.encoder;
      if (encoder === undefined || this.#early.size > 0) {
        this.#early.push(entry);
        if (this.#p.canReadSchema()) this.#early.settle().catch((e) => this.#report(e));
      } else {
        this.#write(entry, this.#layoutOf(encoder));
      }
    } catch (error) {
      this.#report(error);
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Writes the records still waiting for the schema (reading it if needed),
   * then sends the table's rows. Never rejects: failures are reported (the
   * writer reports its own), and rows not sent stay buffered for a retry.
   */
  async flush(): Promise<void> {
    // The writer's flush writes the early records first (they are its source).
    // Its own failures it has reported already; the reporter drops repeats.
    await this.#p.writer.flush().catch((error) => this.#report(error));
  }

  #entry(record: LogTapeRecord): Entry {
    const properties = record.properties ?? {};
    const key = errorKey(properties);
    let error: Entry["error"];
    if (key !== undefined) {
      const fields = errorFields(properties[key]);
      error = { name: wellFormed(fields.name), stack: wellFormed(fields.stack) };
    }
    const context = this.#p.options.contextColumns;
    const rest: Array<readonly [string, unknown]> = [];
    for (const name in properties) {
      if (name !== key && !Object.hasOwn(context, name)) rest.push([name, properties[name]]);
    }
    return {
      time: record.timestamp,
      level: LEVEL_NUMBERS[record.level],
      logger: wellFormed(record.category.join(".")),
      line: record.sourceLocation?.line ?? 0,
      message: wellFormed(renderMessage(record.message)),
      error,
      properties,
      rest,
    };
  }

  #writeAll(encoder: RowEncoder): void {
    const entries = this.#early.take();
    if (entries.length === 0) return;
    const layout = this.#layoutOf(encoder);
    const busy = this.#busy;
    this.#busy = true;
    try {
      for (const entry of entries) {
        try {
          this.#write(entry, layout);
        } catch (error) {
          this.#report(error);
        }
      }
    } finally {
      this.#busy = busy;
    }
  }

  #write(entry: Entry, layout: Layout): void {
    const { columns, context, properties } = layout;
    const row: Record<string, unknown> = {};
    if (columns.app !== null) row[columns.app] = this.#p.app;
    if (columns.level !== null) row[columns.level] = entry.level;
    if (columns.logger !== null) row[columns.logger] = entry.logger;
    if (columns.line !== null) row[columns.line] = entry.line;
    if (columns.error !== null) row[columns.error] = entry.error?.name ?? "";
    if (columns.stacktrace !== null) row[columns.stacktrace] = entry.error?.stack ?? "";
    if (columns.message !== null) row[columns.message] = entry.message;
    if (properties !== undefined) {
      row[properties.column] = propertiesValue(properties.kind, entry.rest);
    }
    const writer = this.#p.writer;
    let withContext: Record<string, unknown> | undefined;
    for (const [field, column] of context) {
      if (!Object.hasOwn(entry.properties, field)) continue;
      withContext ??= { ...row };
      withContext[column] = entry.properties[field];
    }
    if (withContext === undefined) {
      writer.write(row, entry.time);
      return;
    }
    try {
      writer.write(withContext, entry.time);
    } catch (error) {
      // A property value its column cannot hold must not cost the record.
      writer.write(row, entry.time);
      this.#report(error);
    }
  }

  // Columns the table lacks are left out, and said once per schema (except
  // the default properties column, which a table may well not have).
  #layoutOf(encoder: RowEncoder): Layout {
    if (this.#layout?.encoder === encoder) return this.#layout;
    const o = this.#p.options;
    const missing: string[] = [];
    const columns = { ...o.columns };
    for (const role of Object.keys(columns) as (keyof typeof columns)[]) {
      const column = columns[role];
      if (column !== null && !encoder.has(column)) {
        missing.push(column);
        columns[role] = null;
      }
    }
    const context = Object.entries(o.contextColumns)
      .filter(([, column]) => encoder.has(column) || !missing.push(column));
    let properties: Layout["properties"];
    const column = o.propertiesColumn;
    const info = column === null ? undefined : encoder.columns.find((c) => c.name === column);
    if (column !== null && info === undefined && o.propertiesColumnGiven) missing.push(column);
    if (info !== undefined) {
      const kind = propertiesKind(info.type);
      if (kind !== undefined) properties = { column: info.name, kind };
      else {
        this.#report(
          new TuskError(
            `Cannot log properties into "${encoder.table}": column "${info.name}" is ` +
              `${info.typeText}, not String or Map(String, String); left out`,
          ),
        );
      }
    }
    if (missing.length > 0) {
      this.#report(
        new TuskError(
          `Cannot log into "${encoder.table}": no column ${
            missing.map((c) => `"${c}"`).join(", ")
          }; left out (set it to null in columns or propertiesColumn, or drop it from contextColumns, to silence this)`,
        ),
      );
    }
    this.#layout = { encoder, columns, context, properties };
    return this.#layout;
  }

  #report(error: unknown): void {
    try {
      this.#p.report(error instanceof Error ? error : new TuskError(String(error)));
    } catch {
      // Reporting never throws; this is belt and braces.
    }
  }
}
