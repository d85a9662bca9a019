import type { RowEncoder, RowTemplate } from "../schema/row_encoder.ts";
import { checkRow } from "./_check_row.ts";
import { readEncoder } from "./_read_encoder.ts";
import { TableBuffer } from "./table_buffer.ts";
import { TableCounts } from "./table_counts.ts";
import { type FlushLimits, TableDelivery } from "./table_delivery.ts";
import { TableSchema } from "./table_schema.ts";
import { TableSender } from "./table_sender.ts";
import type { TableStats } from "./table_stats.ts";
import type {
  BatchLimits,
  SchemaPreparation,
  WriterHost,
  WriterOptions,
  WriterTable,
} from "./writer_host.ts";

export type { FlushLimits } from "./table_delivery.ts";

/**
 * One table on one client: takes rows in (`write`, synchronous, network-free
 * and O(1) whatever the state) and answers for them. Its parts, one job
 * each: a {@linkcode TableBuffer} holds the rows and keeps their accounting,
 * a {@linkcode TableSchema} reads the columns, a {@linkcode TableSender}
 * sends, and a {@linkcode TableDelivery} decides when and retries.
 */
export class TableWriter {
  readonly #host: WriterHost;
  readonly #table: WriterTable;
  readonly #limits: BatchLimits;
  readonly #counts = new TableCounts();
  readonly #buffer: TableBuffer;
  readonly #schema: TableSchema;
  readonly #sender: TableSender;
  readonly #delivery: TableDelivery;
  readonly #sources: Array<() => void | Promise<void>> = [];
  readonly #pendingCounts: Array<() => number> = [];
  #prepare: SchemaPreparation | undefined;
  /** The write's time, for rows that leave the time column out (made once, not per write). */
  readonly #now = (): number => this.#host.clock.now();

  /**
   * @param host The client.
   * @param table The table.
   * @param limits Batching limits.
   * @param options Priority.
   */
  constructor(
    host: WriterHost,
    table: WriterTable,
    limits: BatchLimits,
    options: WriterOptions = {},
  ) {
    this.#host = host;
    this.#table = table;
    this.#limits = limits;
    const buffer = this.#buffer = new TableBuffer({
      name: () => this.name,
      budget: host.budget,
      counts: this.#counts,
      report: (make, key) => this.#report(make, key),
      maxBufferedRows: limits.maxBufferedRows,
    });
    buffer.priority = options.priority ?? "normal";
    host.budget.join(buffer);
    const background = () => host.clock.backgroundTimers !== false;
    const schema = this.#schema = new TableSchema(
      () => readEncoder(host.session, table, host.name, this.#prepare),
      (encoder) => buffer.release(({ row, time }) => encoder.encode(row, time)),
      background,
    );
    const sender = this.#sender = new TableSender({
      buffer,
      counts: this.#counts,
      maxBytes: limits.maxBytes,
      maxInFlight: background() ? 2 : 1,
      shareRuns: background(),
      now: this.#now,
      report: (error) => host.report(error),
      schemaChanged: () => schema.invalidate(),
    });
    this.#delivery = new TableDelivery({
      name: () => this.name,
      host,
      table,
      limits,
      buffer,
      counts: this.#counts,
      schema,
      sender,
      runSources: () => this.#runSources(),
    });
  }

  /** The table as `"database.table"`, with the client's database filled in. */
  get name(): string {
    const database = this.#table.database ?? this.#host.session()?.options.database ?? "default";
    return `${database}.${this.#table.tableName}`;
  }

  /** `"high"` rows (heartbeats) are the last the client's budget drops. */
  get priority(): "normal" | "high" {
    return this.#buffer.priority;
  }

  set priority(priority: "normal" | "high") {
    this.#buffer.priority = priority;
  }

  /** The encoder, once the schema is known. */
  get encoder(): RowEncoder | undefined {
    return this.#schema.encoder;
  }

  /**
   * Buffers one row; synchronous and network-free, O(1) whatever the state.
   *
   * @param row The row.
   * @param time The write's time, when the caller has it.
   * @throws {TuskValidationError} Once the schema is known, for a bad key or value.
   */
  write(row: Readonly<Record<string, unknown>>, time?: number): void {
    checkRow(this, row);
    const encoder = this.#schema.encoder;
    if (encoder !== undefined) {
      // The clock is read only when the row leaves the time column out.
      this.#buffer.push(encoder.encode(row, time ?? this.#now));
      this.#delivery.added();
      return;
    }
    this.#buffer.hold({ row: { ...row }, time: time ?? this.#now() });
    this.#delivery.added();
    this.readSchemaSoon();
  }

  /**
   * Starts reading the schema in the background, if it is unknown and may be
   * read now: the client is initialized, no read is under way, no backoff
   * after a failure is waiting, and not in Workers (there a read started by a
   * request that may end without flushing is never relied on: a flush reads
   * it). A failure is reported and backs the next attempt off.
   */
  readSchemaSoon(): void {
    if (this.#schema.encoder !== undefined || this.#schema.loading) return;
    if (this.#host.clock.backgroundTimers === false || this.#host.session() === undefined) return;
    if (!this.#delivery.mayTry) return;
    this.#schema.load().catch((error) => this.#delivery.failed(error));
  }

  /**
   * Buffers one row made by a template of the current schema (log rows);
   * synchronous and network-free.
   *
   * @param template A template from {@linkcode RowEncoder.template}.
   * @param values Its values.
   * @returns `false` (and buffers nothing) when the template is not of the
   * current schema, which is unknown or was read again: write the row instead.
   * @throws {TuskValidationError} For a value that does not fit its column.
   */
  writeValues(template: RowTemplate, values: readonly unknown[]): boolean {
    if (template.encoder !== this.#schema.encoder) return false;
    this.#buffer.push(template.line(values, this.#now()));
    this.#delivery.added();
    return true;
  }

  /** When this table's rows go, and the waits of bulk writes (`writeAll`, `writable`). */
  get delivery(): TableDelivery {
    return this.#delivery;
  }

  /**
   * Registers something to run at the start of every flush (counters emit their
   * sums); a promise it returns is awaited before the rows are sent, and its
   * rejection fails the flush.
   */
  addSource(source: () => void | Promise<void>): void {
    this.#sources.push(source);
  }

  /**
   * Registers a count of rows a source still holds, added to `pending` (so the
   * exit hook flushes them and `stats()` shows them).
   */
  addPending(count: () => number): void {
    this.#pendingCounts.push(count);
  }

  /** Counts rows a feature gave up on before they reached this writer, in `stats().dropped`. */
  countDropped(reason: string, rows: number): void {
    this.#counts.received += rows;
    this.#counts.drop(reason, rows);
  }

  /**
   * Resolves with the encoder once the table's schema is known, loading it if needed.
   *
   * @throws {TuskError} Without a client, or when the table cannot be described.
   */
  schema(): Promise<RowEncoder> {
    return this.#schema.load();
  }

  /**
   * Sets the step run before each read of the columns (`createTable` makes
   * the table there), replacing the one set before.
   *
   * @param step The step, or `undefined` for none.
   */
  prepareSchema(step: SchemaPreparation | undefined): void {
    this.#prepare = step;
  }

  /** Forgets the schema, so the next flush reads it again. */
  invalidateSchema(): void {
    this.#schema.invalidate();
  }

  /**
   * Sends every row taken in before the call and resolves once ClickHouse
   * acknowledged them all. A failure that may pass (network, timeout, a busy
   * server) is retried with backoff until `limits.timeoutMs` (default: the
   * client's `flushTimeout`); others reject at once. Rows that are not
   * delivered stay buffered and are retried later.
   *
   * @throws {TuskError} Why rows are still held.
   */
  flush(limits?: FlushLimits): Promise<void> {
    return this.#delivery.flush(limits);
  }

  /** Aborts the inserts in flight (a closing client that ran out of time). */
  abort(): void {
    this.#sender.abort();
  }

  /**
   * Stops timers and gives up what is still held (buffered, waiting for a
   * retry, or in flight), counting it as `reason`.
   *
   * @returns How many rows were given up.
   */
  giveUp(reason: string): number {
    this.#delivery.stop();
    return this.#buffer.giveUp(reason);
  }

  /** Rows buffered, waiting for a retry, or being sent. */
  get pending(): number {
    let rows = this.#buffer.pending;
    for (const count of this.#pendingCounts) rows += count();
    return rows;
  }

  /** This table's delivery figures. */
  stats(): TableStats {
    // Rows a source still holds (counter sums, early LogTape records) are
    // pending, so they count as received too: the sum stays whole.
    const pending = this.pending;
    const held = pending - this.#buffer.pending;
    return this.#counts.snapshot(this.#host.name, this.name, pending, held);
  }

  #runSources(): Promise<unknown> | undefined {
    let waiting: Promise<void>[] | undefined;
    for (const source of this.#sources) {
      const result = source();
      if (result instanceof Promise) (waiting ??= []).push(result);
    }
    return waiting && Promise.all(waiting);
  }

  // The error is made only when the reporter delivers it (once per key per
  // window), so a drop per write during an outage stays cheap.
  #report(make: () => Error, key: string): void {
    this.#host.report(() => {
      const error = make();
      this.#counts.problem(error.message, this.#now());
      return error;
    }, key);
  }
}
