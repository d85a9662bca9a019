import { TuskClickHouseError, TuskError } from "../errors.ts";
import type { TimerHandle } from "../runtime/clock.ts";
import { describeTable } from "../schema/describe_table.ts";
import { RowEncoder, type RowTemplate } from "../schema/row_encoder.ts";
import { quoteIdentifier } from "../transport/quote.ts";
import { TableBuffer } from "./table_buffer.ts";
import { TableCounts } from "./table_counts.ts";
import { TableSchema } from "./table_schema.ts";
import { STALE_MS, TableSender } from "./table_sender.ts";
import type { TableStats } from "./table_stats.ts";
import type { BatchLimits, WriterHost, WriterOptions, WriterTable } from "./writer_host.ts";

/** How hard one flush tries. */
export interface FlushLimits {
  /** Longest the flush keeps trying, in milliseconds. */
  timeoutMs: number;
  /** Most attempts (a first try and its retries). */
  attempts?: number;
}

/**
 * One table on one client: takes rows in (`write`, synchronous and
 * network-free), and decides when they are sent. Rows live in a
 * {@linkcode TableBuffer}, the schema in a {@linkcode TableSchema}, and a
 * {@linkcode TableSender} sends them; this class holds the timers and the
 * retry policy that tie them together.
 */
export class TableWriter {
  readonly #host: WriterHost;
  readonly #table: WriterTable;
  readonly #limits: BatchLimits;
  readonly #counts = new TableCounts();
  readonly #buffer: TableBuffer;
  readonly #schema: TableSchema;
  readonly #sender: TableSender;
  readonly #sources: Array<() => void | Promise<void>> = [];
  readonly #pendingCounts: Array<() => number> = [];
  #timer: TimerHandle | undefined;
  #failures = 0;
  #retryAt = 0;
  /** A background delivery is starting (reading facts before its run). */
  #kicking = false;
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
    const report = (make: () => Error, key: string) => this.#report(make, key);
    this.#buffer = new TableBuffer({
      name: () => this.name,
      budget: host.budget,
      counts: this.#counts,
      report,
      maxBufferedRows: limits.maxBufferedRows,
    });
    this.#buffer.priority = options.priority ?? "normal";
    host.budget.join(this.#buffer);
    const background = () => host.clock.backgroundTimers !== false;
    this.#schema = new TableSchema(
      () => this.#describe(),
      (encoder) => this.#buffer.release(({ row, time }) => encoder.encode(row, time)),
      background,
    );
    this.#sender = new TableSender({
      buffer: this.#buffer,
      counts: this.#counts,
      maxBytes: limits.maxBytes,
      maxInFlight: background() ? 2 : 1,
      shareRuns: background(),
      now: this.#now,
      report: (error) => host.report(error),
      schemaChanged: () => this.#schema.invalidate(),
    });
  }

  /** The table as `"database.table"`, with the client's database filled in. */
  get name(): string {
    return `${this.#database}.${this.#table.tableName}`;
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
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw new TypeError(
        `Cannot write to "${this.name}": a row must be an object, got ${typeof row}`,
      );
    }
    const encoder = this.#schema.encoder;
    if (encoder !== undefined) {
      // The clock is read only when the row leaves the time column out.
      this.#append(encoder.encode(row, time ?? this.#now));
      return;
    }
    this.#buffer.hold({ row: { ...row }, time: time ?? this.#now() });
    this.#armPeriod();
    // Outside Workers the schema is read at once; there, a read started by a
    // request that may end without flushing is never relied on: flush reads it.
    if (this.#host.clock.backgroundTimers !== false && !this.#schema.loading) {
      if (this.#host.session() !== undefined) this.schema().catch((e) => this.#failed(e));
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
    if (template.encoder !== this.#schema.encoder) return false;
    this.#append(template.line(values, this.#now()));
    return true;
  }

  /** Whether the client's budget and this table's cap have room for more rows. */
  get hasRoom(): boolean {
    const { rows, chars, limits } = this.#host.budget;
    const cap = this.#limits.maxBufferedRows;
    return rows < limits.maxRows * 0.9 && chars < limits.maxChars * 0.9 &&
      (cap === undefined || this.#buffer.droppableRows < cap * 0.9) &&
      this.#buffer.bufferedChars < 2 * this.#limits.maxBytes;
  }

  /** Whether inserts are under way or a full batch waits to go. */
  get sending(): boolean {
    return this.#sender.busy || this.#buffer.bufferedRows >= this.#limits.maxRows;
  }

  /**
   * Resolves once some room is made: an insert of this table ended, or
   * (none in flight) one was started and ended, retrying after failures.
   */
  async waitForRoom(): Promise<void> {
    if (this.#sender.busy) return this.#sender.nextLanding();
    const wait = this.#retryAt - this.#now();
    if (wait > 0) await sleep(wait);
    await this.#deliver(this.#buffer.entered).catch((error) => this.#failed(error));
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

  /** Forgets the schema, so the next flush reads it again. */
  invalidateSchema(): void {
    this.#schema.invalidate();
  }

  /**
   * Sends every row taken in before the call and resolves once ClickHouse
   * acknowledged them all. A failure that may pass (network, timeout, a busy
   * server) is retried with backoff until `limits.timeoutMs`; others reject
   * at once. Rows that are not delivered stay buffered and are retried later.
   *
   * @throws {TuskError} Why rows are still held.
   */
  async flush(limits?: FlushLimits): Promise<void> {
    const timeoutMs = limits?.timeoutMs ?? this.#host.session()?.options.flushTimeoutMs ?? 0;
    const deadline = Date.now() + timeoutMs;
    await this.#runSources();
    const upTo = this.#buffer.entered;
    for (let attempt = 1;; attempt++) {
      if (this.#buffer.lowestUnsettled >= upTo) return;
      try {
        await this.#deliver(upTo);
        // Anything left is in another request's insert (Workers): wait for it
        // to land, or take its rows back once its request shows no life.
        if (this.#buffer.lowestUnsettled < upTo && this.#sender.reclaimStale() === 0) {
          await Promise.race([this.#sender.nextLanding(), sleep(STALE_MS / 4)]);
        }
      } catch (error) {
        if (this.#host.session() === undefined) throw error; // closed or never initialized
        this.#failed(error);
        const delay = this.#retryAt - this.#now();
        const retryable = error instanceof TuskClickHouseError && error.retryable;
        const left = deadline - Date.now();
        if (!retryable || attempt >= (limits?.attempts ?? Infinity) || left <= 0) throw error;
        // The last attempt comes at the deadline rather than not at all.
        await sleep(Math.min(delay, left));
      }
    }
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
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#failures = 0;
    this.#retryAt = 0;
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
    return this.#counts.snapshot(this.#host.name, this.name, this.pending);
  }

  get #database(): string {
    return this.#table.database ?? this.#host.session()?.options.database ?? "default";
  }

  async #describe(): Promise<RowEncoder> {
    const session = this.#host.session();
    if (session === undefined) {
      throw new TuskError(
        `Cannot write to "${this.name}": client "${this.#host.name}" is not initialized; call init() first`,
      );
    }
    const columns = await describeTable(session.connection, this.#database, this.#table.tableName);
    // init() replaced the session meanwhile: ask the new one.
    if (session !== this.#host.session()) return this.#describe();
    return new RowEncoder(columns, {
      table: this.name,
      timeColumn: this.#table.timeColumn,
      defaults: session.columnDefaults(
        columns.filter((c) => c.type.kind === "string").map((c) => c.name),
      ),
    });
  }

  #append(line: string): void {
    this.#buffer.push(line);
    if (this.#timer === undefined) this.#armPeriod();
    if (this.#full) this.#kick();
  }

  // Rows ask to go now (a full batch, or the period): sent in the background,
  // except in Workers (only flush sends there) or while a retry waits.
  #kick(): void {
    // A run under way takes the new rows too: the common case while rows
    // stream in, kept to a comparison and an assignment.
    if (this.#sender.extend(this.#buffer.entered) || this.#kicking) return;
    if (this.#host.clock.backgroundTimers === false || this.#host.session() === undefined) return;
    if (this.#failures > 0 && this.#now() < this.#retryAt) return;
    this.#kicking = true;
    this.#deliver(this.#buffer.entered).catch((error) => this.#failed(error)).finally(() => {
      this.#kicking = false;
      // Rows that filled a batch while the run was ending.
      if (this.#full) this.#kick();
    });
  }

  /** Whether a full batch is buffered. */
  get #full(): boolean {
    const buffer = this.#buffer;
    return buffer.bufferedRows >= this.#limits.maxRows ||
      buffer.bufferedChars >= this.#limits.maxBytes;
  }

  // Reads the schema if rows wait for it, then sends until the rows numbered
  // below `upTo` are settled.
  async #deliver(upTo: number): Promise<void> {
    const session = this.#host.session();
    if (session === undefined) {
      throw new TuskError(
        `Cannot flush "${this.name}": client "${this.#host.name}" is not initialized; call init() first`,
      );
    }
    if (this.#buffer.heldRows > 0) await this.#schema.load();
    const { settings, deduplicationTokens } = await session.insertSettings();
    await this.#sender.drain(upTo, {
      connection: session.connection,
      table: quoteIdentifier(this.#database) + "." + quoteIdentifier(this.#table.tableName),
      action: `Cannot insert into "${this.name}"`,
      settings,
      tokens: deduplicationTokens,
    });
    this.#failures = 0;
    if (this.#buffer.pending > 0) this.#armPeriod();
    else {
      this.#timer?.cancel();
      this.#timer = undefined;
    }
  }

  // A failure: recorded, reported, and a retry armed with backoff.
  #failed(error: unknown): void {
    const problem = error instanceof Error ? error : new Error(String(error));
    this.#counts.problem(problem.message, this.#now());
    this.#host.report(problem);
    const { retryBaseMs, retryMaxMs } = this.#limits;
    const backoff = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(this.#failures++, 30));
    const asked = error instanceof TuskClickHouseError ? error.retryAfterMs ?? 0 : 0;
    const delay = Math.max(backoff * (0.8 + 0.4 * Math.random()), asked);
    this.#retryAt = this.#now() + delay;
    this.#arm(delay);
  }

  #armPeriod(): void {
    if (this.#timer === undefined) this.#arm(this.#limits.periodMs);
  }

  #arm(delayMs: number): void {
    this.#timer?.cancel();
    this.#timer = this.#host.clock.setTimeout(() => {
      this.#timer = undefined;
      if (this.#host.session() === undefined) return; // released by close(): rows wait for init()
      this.#runSources()?.then(() => this.#kick(), (error) => this.#failed(error)) ?? this.#kick();
    }, delayMs);
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

// A wait inside a call the caller awaits (flush, writeAll): a real timer, in
// the caller's own request where timers are per request (Workers).
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
