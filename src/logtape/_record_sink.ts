import type { LogTapeRecord } from "./logtape_record.ts";
import type { TableWriter } from "../batching/table_writer.ts";
import { isReporting } from "../client/reporter.ts";
import { TuskError } from "../errors.ts";
import { type LogRecord, LogSink } from "../logging/log_sink.ts";
import { LEVEL_NUMBERS, levelRank, OTEL_BY_LEVEL } from "./_levels.ts";
import { errorKey } from "./_error_key.ts";
import { renderMessage } from "./_render_message.ts";
import { EarlyEntries } from "./_early_entries.ts";
import type { ResolvedSinkOptions } from "./clickhouse_sink_options.ts";

/** What a {@linkcode RecordSink} needs. */
export interface RecordSinkParts {
  writer: TableWriter;
  report: (error: Error) => void;
  /** Whether the client is configured and may read the schema in the background now. */
  canReadSchema: () => boolean;
  app: string;
  /** `ResourceAttributes` of the `"otel"` layout. */
  resource: Readonly<Record<string, string>> | undefined;
  options: ResolvedSinkOptions;
}

/**
 * Turns LogTape records into rows of a log table, in the `"tusk"` or `"otel"`
 * layout, through a {@linkcode LogSink} (which leaves out, and reports, the
 * columns the table lacks). A record is rendered when it comes; its row is
 * made once the table's columns are known, so that the properties column gets
 * the form its type takes: records that come before wait in
 * {@linkcode EarlyEntries}. Nothing it does throws: problems are reported,
 * and a record that comes while the library reports one is dropped, so no
 * path leads back into the table.
 */
export class RecordSink {
  readonly #p: RecordSinkParts;
  readonly #early: EarlyEntries;
  readonly #sink: LogSink;

  /** @param parts Writer, reporting, app and options. */
  constructor(parts: RecordSinkParts) {
    this.#p = parts;
    const o = parts.options;
    this.#sink = new LogSink({
      writer: parts.writer,
      report: parts.report,
      threshold: 5, // this sink's own threshold tells trace from debug
      app: parts.app,
      columns: o.columns,
      contextColumns: o.contextColumns,
      properties: o.propertiesColumn === null
        ? undefined
        : { name: o.propertiesColumn, required: o.propertiesColumnGiven },
      layout: o.layout,
      resource: parts.resource,
    });
    this.#early = new EarlyEntries(parts.writer, () => this.#writeEarly());
  }

  /**
   * Takes one record: synchronous, never throws.
   *
   * @param record The record LogTape hands its sinks.
   */
  accept(record: LogTapeRecord): void {
    if (isReporting()) return;
    try {
      if (levelRank(record.level) < this.#p.options.threshold) return;
      const entry = this.#entry(record);
      if (this.#p.writer.encoder === undefined || this.#early.size > 0) {
        this.#early.push(entry);
        const writer = this.#p.writer;
        // A read only when no backoff after a failed one waits (no request per record
        // while ClickHouse is away); with the schema known, settling reads nothing.
        if (this.#p.canReadSchema() && (writer.encoder !== undefined || writer.delivery.mayTry)) {
          this.#early.settle().catch((e) => writer.delivery.failed(e));
        }
      } else {
        this.#sink.record(entry);
      }
    } catch (error) {
      this.#report(error);
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

  // Rendered now: the message and properties are as they were when logged.
  #entry(record: LogTapeRecord): LogRecord {
    const properties = record.properties ?? {};
    const key = errorKey(properties);
    let fields = properties;
    if (key !== undefined) {
      const { [key]: _error, ...rest } = properties;
      fields = rest;
    }
    const level = record.level;
    return {
      level: LEVEL_NUMBERS[level],
      severity: OTEL_BY_LEVEL[level],
      message: renderMessage(record.message),
      logger: record.category.join("."),
      error: key === undefined ? undefined : properties[key],
      fields,
      time: record.timestamp,
      line: record.sourceLocation?.line,
      file: record.sourceLocation?.file,
    };
  }

  #writeEarly(): void {
    for (const entry of this.#early.take()) this.#sink.record(entry);
  }

  #report(error: unknown): void {
    try {
      this.#p.report(error instanceof Error ? error : new TuskError(String(error)));
    } catch {
      // Reporting never throws; this is belt and braces.
    }
  }
}
