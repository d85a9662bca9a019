import { TuskClickHouseError, TuskError, TuskValidationError } from "../errors.ts";
import type { TimerHandle } from "../runtime/clock.ts";
import { describeTable } from "../schema/describe_table.ts";
import { RowEncoder, type RowTemplate } from "../schema/row_encoder.ts";
import { quoteIdentifier } from "../transport/quote.ts";
import { RetryQueue } from "./_retry_queue.ts";
import type { BudgetMember } from "./buffer_budget.ts";
import { FlushGate } from "./flush_gate.ts";
import { batchOfLines, LineBuffer, type RowBatch } from "./line_buffer.ts";
import { sendBatch, type SendOutcome, type SendTarget, type Undelivered } from "./send_batch.ts";
import type { TableStats } from "./table_stats.ts";
import type { BatchLimits, WriterHost, WriterOptions, WriterTable } from "./writer_host.ts";

interface HeldRow {
  row: Record<string, unknown>;
  time: number;
}

/**
 * The buffer, schema and delivery of one table on one client: the single
 * owner of that table's flushes. `write` is synchronous and never touches the
 * network; rows written before the schema is known are held, then checked.
 */
export class TableWriter implements BudgetMember {
  readonly #host: WriterHost;
  readonly #table: WriterTable;
  readonly #limits: BatchLimits;
  /** `"high"` rows are the last the client's budget drops. */
  priority: "normal" | "high";
  readonly #buffer = new LineBuffer();
  readonly #retry = new RetryQueue();
  // Made at the first send: Workers forbid abort controllers in global scope,
  // where a metric may well be created.
  #abort: AbortController | undefined;
  readonly #gate = new FlushGate();
  readonly #sources: Array<() => void | Promise<void>> = [];
  readonly #pendingCounts: Array<() => number> = [];
  #held: HeldRow[] = [];
  #encoder: RowEncoder | undefined;
  #loading: Promise<RowEncoder> | undefined;
  #timer: TimerHandle | undefined;
  #failures = 0;
  #inFlight = 0;
  #closed = false;
  readonly #stats = {
    written: 0,
    retried: 0,
    failedBatches: 0,
    lastError: undefined as string | undefined,
  };
  readonly #dropped: Record<string, number> = {};
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
    this.priority = options.priority ?? "normal";
    host.budget.join(this);
  }

  /** The table as `"database.table"`, with the client's database filled in. */
  get name(): string {
    return `${this.#table.database ?? this.#host.database()}.${this.#table.tableName}`;
  }

  /** The encoder, once the schema is known. */
  get encoder(): RowEncoder | undefined {
    return this.#encoder;
  }

  /**
   * Buffers one row; synchronous and network-free.
   *
   * @param row The row.
   * @throws {TuskValidationError} Once the schema is known, for a bad key or value.
   */
  write(row: Readonly<Record<string, unknown>>, time?: number): void {
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw new TypeError(
        `Cannot write to "${this.name}": a row must be an object, got ${typeof row}`,
      );
    }
    const encoder = this.#encoder;
    if (encoder !== undefined) {
      // The clock is read only when the row leaves the time column out.
      this.#append(encoder.encode(row, time ?? this.#now));
      return;
    }
    time ??= this.#host.clock.now();
    if (!this.#host.budget.admit(this, 0)) {
      this.#dropNewest();
      return;
    }
    this.#held.push({ row: { ...row }, time });
    this.#host.budget.change(1, 0);
    this.#afterAdd();
    if (this.#loading === undefined && this.#host.connection() !== undefined) {
      this.schema().catch((error) => this.#host.report(error));
    }
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
    if (template.encoder !== this.#encoder) return false;
    this.#append(template.line(values, this.#host.clock.now()));
    return true;
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
    this.#drop(reason, rows);
  }

  /**
   * Resolves with the encoder once the table's schema is known, loading it if needed.
   *
   * @throws {TuskError} Without a client, or when the table cannot be described.
   */
  schema(): Promise<RowEncoder> {
    if (this.#encoder !== undefined) return Promise.resolve(this.#encoder);
    if (this.#loading === undefined) {
      const loading: Promise<RowEncoder> = this.#describe().finally(() => {
        if (this.#loading === loading) this.#loading = undefined;
      });
      this.#loading = loading;
    }
    return this.#loading;
  }

  /** Forgets the schema, so the next flush reads it again. */
  invalidateSchema(): void {
    this.#encoder = undefined;
    this.#loading = undefined;
  }

  /**
   * Sends every row buffered when it is called (and, if a flush is running,
   * waits for the one after it).
   *
   * @throws {TuskError} When rows could not be delivered; they stay buffered and are retried.
   */
  flush(): Promise<void> {
    return this.#gate.run(() => this.#run());
  }

  /** Aborts the request in flight, if any (a closing client that ran out of time). */
  abort(): void {
    this.#abort?.abort();
    this.#abort = undefined;
  }

  /** Resolves once no flush runs or waits (never rejects). */
  idle(): Promise<void> {
    return this.#gate.idle();
  }

  /**
   * Stops timers and gives up what is still held (buffered, waiting for a
   * retry, or in flight), counting it as `closed`.
   *
   * @returns How many rows were given up.
   */
  close(): number {
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    const lost = this.#buffer.rows + this.#held.length + this.#retry.rows + this.#inFlight;
    if (lost > 0) this.#drop("closed", lost);
    this.#host.budget.change(
      -(this.#buffer.rows + this.#held.length + this.#retry.rows),
      -(this.#buffer.chars + this.#retry.chars),
    );
    this.#buffer.clear();
    this.#retry.clear();
    this.#held = [];
    return lost;
  }

  /**
   * Takes rows again after `close()`: metrics, counters and loggers made
   * before it keep working, holding their rows until `init()` connects the
   * client again.
   */
  reopen(): void {
    this.#closed = false;
    this.#failures = 0;
  }

  /** Rows buffered, waiting for a retry, or being sent. */
  get pending(): number {
    let rows = this.#buffer.rows + this.#held.length + this.#retry.rows + this.#inFlight;
    for (const count of this.#pendingCounts) rows += count();
    return rows;
  }

  /** Rows the client's budget may drop now (all but those in flight). */
  get droppableRows(): number {
    return this.#buffer.rows + this.#held.length + this.#retry.rows;
  }

  /**
   * Drops the oldest rows (waiting for a retry first, then buffered, then
   * waiting for the schema) to free `rows` rows and `chars` characters for
   * the client's budget; counts them as `buffer_full` and reports.
   */
  evict(rows: number, chars: number): void {
    const freed = this.#dropOldest(rows, chars);
    if (freed === 0) return;
    this.#drop("buffer_full", freed);
    this.#reportBudgetDrop("oldest");
  }

  /** This table's delivery figures. */
  stats(): TableStats {
    return {
      client: this.#host.name,
      table: this.name,
      written: this.#stats.written,
      pending: this.pending,
      retried: this.#stats.retried,
      dropped: { ...this.#dropped },
      failedBatches: this.#stats.failedBatches,
      ...(this.#stats.lastError === undefined ? {} : { lastError: this.#stats.lastError }),
    };
  }

  async #describe(): Promise<RowEncoder> {
    const connection = this.#host.connection();
    if (connection === undefined) {
      throw new TuskError(
        `Cannot write to "${this.name}": client "${this.#host.name}" is not initialized; call init() first`,
      );
    }
    const database = this.#table.database ?? this.#host.database();
    let columns;
    try {
      columns = await describeTable(connection, database, this.#table.tableName);
    } catch (error) {
      // init() replaced the connection meanwhile: ask the new one.
      if (connection !== this.#host.connection()) return this.#describe();
      throw error;
    }
    if (connection !== this.#host.connection()) return this.#describe();
    const encoder = new RowEncoder(columns, {
      table: this.name,
      timeColumn: this.#table.timeColumn,
      defaults: this.#host.columnDefaults(
        columns.filter((c) => c.type.kind === "string").map((c) => c.name),
      ),
    });
    this.#encoder = encoder;
    const held = this.#held;
    this.#held = [];
    for (const { row, time } of held) {
      try {
        const line = encoder.encode(row, time);
        this.#buffer.push(line);
        this.#host.budget.change(0, line.length);
      } catch (error) {
        this.#host.budget.change(-1, 0);
        if (!(error instanceof TuskValidationError)) throw error;
        this.#drop("invalid", 1);
        this.#host.report(error);
      }
    }
    return encoder;
  }

  #append(line: string): void {
    const budget = this.#host.budget;
    const chars = line.length;
    if (!budget.admit(this, chars)) {
      this.#dropNewest();
      return;
    }
    const buffer = this.#buffer;
    buffer.push(line);
    budget.rows++;
    budget.chars += chars;
    const limits = this.#limits;
    // #afterAdd's work, with its checks in the order they are cheapest.
    if (
      this.#timer === undefined || buffer.rows + this.#held.length + this.#retry.rows >
        limits.maxBufferedRows
    ) {
      this.#afterAdd();
    }
    if (buffer.rows >= limits.maxRows || buffer.chars >= limits.maxBytes) {
      this.#flushInBackground();
    }
  }

  #afterAdd(): void {
    const over = this.droppableRows - this.#limits.maxBufferedRows;
    if (over > 0) {
      this.#drop("buffer_full", this.#dropOldest(over, 0));
      this.#report(
        () =>
          new TuskError(
            `Cannot buffer rows for "${this.name}": ${this.#limits.maxBufferedRows} rows are waiting; ` +
              `dropped the oldest; ${this.#dropped.buffer_full} dropped so far`,
          ),
        `full:${this.name}`,
      );
    }
    if (this.#timer === undefined && !this.#closed) this.#arm(this.#limits.periodMs);
  }

  #flushInBackground(): void {
    // Failures were reported where they happened; the rows stay buffered.
    this.flush().catch(() => {});
  }

  #arm(delayMs: number): void {
    this.#timer?.cancel();
    this.#timer = this.#host.clock.setTimeout(() => {
      this.#timer = undefined;
      this.#flushInBackground();
    }, delayMs);
  }

  async #run(): Promise<void> {
    this.#timer?.cancel();
    this.#timer = undefined;
    try {
      await this.#runSources();
      if (this.droppableRows > 0) await this.#deliver();
      this.#failures = 0;
    } catch (error) {
      if (this.#closed) throw error; // close() reports what was lost
      this.#stats.lastError = error instanceof Error ? error.message : String(error);
      this.#host.report(error instanceof Error ? error : new Error(String(error)));
      const asked = error instanceof TuskClickHouseError ? error.retryAfterMs ?? 0 : 0;
      this.#arm(Math.max(this.#backoff(), asked));
      throw error;
    }
    if (this.pending > 0 && this.#timer === undefined && !this.#closed) {
      this.#arm(this.#limits.periodMs);
    }
  }

  #runSources(): Promise<unknown> | undefined {
    let waiting: Promise<void>[] | undefined;
    for (const source of this.#sources) {
      const result = source();
      if (result instanceof Promise) (waiting ??= []).push(result);
    }
    return waiting && Promise.all(waiting);
  }

  // Sends the batches waiting for a retry (each with its token), then the rows
  // buffered when the flush began, in batches of at most maxRows / maxBytes.
  async #deliver(): Promise<void> {
    await this.schema();
    const connection = this.#host.connection()!;
    const { settings, deduplicationTokens } = await this.#host.insertSettings();
    let fresh = this.#buffer.rows;
    for (;;) {
      let batch: RowBatch;
      let token: string;
      const retry = this.#retry.shift();
      if (retry !== undefined) {
        const lines = retry.start === 0 ? retry.lines : retry.lines.slice(retry.start);
        batch = batchOfLines(lines, retry.chars);
        token = retry.token;
      } else {
        if (fresh <= 0 || this.#buffer.rows === 0) return;
        batch = this.#buffer.take(Math.min(fresh, this.#limits.maxRows), this.#limits.maxBytes);
        fresh -= batch.rows;
        token = crypto.randomUUID();
      }
      if (batch.rows === 0) continue;
      this.#inFlight += batch.rows;
      let failed: Undelivered | undefined;
      try {
        const target: SendTarget = {
          connection,
          table: this.#quotedName(),
          action: `Cannot insert into "${this.name}"`,
          settings,
          tokens: deduplicationTokens,
          signal: (this.#abort ??= new AbortController()).signal,
        };
        failed = await sendBatch(target, batch, token, this.#outcome);
      } finally {
        this.#inFlight -= batch.rows;
      }
      if (failed !== undefined) {
        const rows = failed.batches.reduce((n, b) => n + b.lines.length, 0);
        if (this.#closed) {
          this.#host.budget.change(-rows, -failed.batches.reduce((n, b) => n + b.chars, 0));
        } else {
          this.#retry.unshift(failed.batches);
          this.#stats.retried += rows;
        }
        throw failed.error;
      }
    }
  }

  // Drops up to `rows` of the oldest rows (and at least enough to free
  // `chars` characters); returns how many were dropped.
  #dropOldest(rows: number, chars: number): number {
    let freedRows = 0;
    let freedChars = 0;
    if (this.#retry.rows > 0) {
      const freed = this.#retry.dropOldest(rows, chars);
      freedRows += freed.rows;
      freedChars += freed.chars;
    }
    while ((freedRows < rows || freedChars < chars) && this.#buffer.rows > 0) {
      freedChars += this.#buffer.dropOldest()!.length;
      freedRows++;
    }
    if ((freedRows < rows || freedChars < chars) && this.#held.length > 0) {
      // Held rows count no bytes yet: only the row count is left to free. One splice,
      // not a shift per row (shifting a long array is linear each time).
      const count = Math.min(this.#held.length, Math.max(rows - freedRows, 1));
      this.#held.splice(0, count);
      freedRows += count;
    }
    this.#host.budget.change(-freedRows, -freedChars);
    return freedRows;
  }

  // The client's budget refused a new row (drop_newest, or nothing older to drop).
  #dropNewest(): void {
    this.#drop("buffer_full", 1);
    this.#reportBudgetDrop("newest");
  }

  // The client's budget made this table drop rows: one report per window, made only when sent.
  #reportBudgetDrop(which: "oldest" | "newest"): void {
    const budget = this.#host.budget;
    this.#report(
      () =>
        new TuskError(
          `Cannot buffer rows for "${this.name}": client "${this.#host.name}" holds ${budget.rows} rows ` +
            `(${budget.limits.maxRows} at most) and ${budget.chars} bytes (${budget.limits.maxChars}); ` +
            `dropped the ${which}; ${this.#dropped.buffer_full} dropped so far`,
        ),
      `budget:${this.name}`,
    );
  }

  // What sendBatch tells this writer about each part of a batch.
  readonly #outcome: SendOutcome = {
    written: (rows, chars) => {
      this.#stats.written += rows;
      this.#host.budget.change(-rows, -chars);
    },
    failed: (error) => {
      this.#stats.failedBatches++;
      this.#stats.lastError = error.message;
    },
    schemaChanged: () => this.invalidateSchema(),
    rejected: (line, error) => {
      this.#drop("rejected", 1);
      this.#host.budget.change(-1, -line.length);
      this.#host.report(
        new TuskError(`${error.message}; rejected row: ${clip(line)}`, { cause: error }),
      );
    },
  };

  #quotedName(): string {
    return quoteIdentifier(this.#table.database ?? this.#host.database()) + "." +
      quoteIdentifier(this.#table.tableName);
  }

  // The error is made only when the reporter delivers it (once per key per
  // window), so a drop per write during an outage stays cheap.
  #report(make: () => Error, key: string): void {
    this.#host.report(() => {
      const error = make();
      this.#stats.lastError = error.message;
      return error;
    }, key);
  }

  #backoff(): number {
    const { retryBaseMs, retryMaxMs } = this.#limits;
    const delay = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(this.#failures++, 30));
    return delay * (0.8 + 0.4 * Math.random());
  }

  #drop(reason: string, rows: number): void {
    this.#dropped[reason] = (this.#dropped[reason] ?? 0) + rows;
  }
}

function clip(line: string): string {
  const text = line.trimEnd();
  return text.length > 300 ? text.slice(0, 300) + "…" : text;
}
