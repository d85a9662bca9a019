import { TuskClickHouseError, TuskError, TuskValidationError } from "../errors.ts";
import type { Clock, TimerHandle } from "../runtime/clock.ts";
import { describeTable } from "../schema/describe_table.ts";
import { RowEncoder } from "../schema/row_encoder.ts";
import type { Connection, Settings } from "../transport/connection.ts";
import { quoteIdentifier } from "../transport/quote.ts";
import { FlushGate } from "./flush_gate.ts";
import { LineBuffer } from "./line_buffer.ts";
import type { TableStats } from "./table_stats.ts";

/** When a table's rows are sent, and how many may wait. */
export interface BatchLimits {
  /** Longest a row waits before its batch is sent, in milliseconds. */
  periodMs: number;
  /** A batch is sent once it holds this many rows. */
  maxRows: number;
  /** A batch is sent once it holds this many bytes (approximately). */
  maxBytes: number;
  /** Most rows held for this table; past it the oldest are dropped and counted. */
  maxBufferedRows: number;
  /** First retry delay after a failed send, in milliseconds; doubles up to `retryMaxMs`. */
  retryBaseMs: number;
  /** Longest retry delay, in milliseconds. */
  retryMaxMs: number;
}

/** What a {@linkcode TableWriter} needs from its client. */
export interface WriterHost {
  /** The client's name. */
  readonly name: string;
  /** Time and timers. */
  readonly clock: Clock;
  /** The current connection, or `undefined` before `init`. */
  connection(): Connection | undefined;
  /** The database for tables named without one. */
  database(): string;
  /** The settings for inserts, filtered for the server's version. */
  insertSettings(): Promise<Settings>;
  /** Env-tag values for String columns rows leave out. */
  columnDefaults(columns: readonly string[]): Record<string, string>;
  /** Reports a problem to `onError` or the original console; never throws. */
  report(error: Error): void;
}

/** The table a writer serves, as given by the user. */
export interface WriterTable {
  /** The database, or `undefined` for the client's. */
  readonly database: string | undefined;
  /** The table's name. */
  readonly tableName: string;
  /** The column to fill with the write's time, if named. */
  readonly timeColumn: string | undefined;
}

interface HeldRow {
  row: Record<string, unknown>;
  time: number;
}

interface Undelivered {
  error: TuskClickHouseError;
  lines: string[];
}

/**
 * The buffer, schema and delivery of one table on one client: the single
 * owner of that table's flushes. `write` is synchronous and never touches the
 * network; rows written before the schema is known are held, then checked.
 */
export class TableWriter {
  readonly #host: WriterHost;
  readonly #table: WriterTable;
  readonly #limits: BatchLimits;
  readonly #buffer = new LineBuffer();
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

  /**
   * @param host The client.
   * @param table The table.
   * @param limits Batching limits.
   */
  constructor(host: WriterHost, table: WriterTable, limits: BatchLimits) {
    this.#host = host;
    this.#table = table;
    this.#limits = limits;
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
  write(row: Readonly<Record<string, unknown>>, time: number = this.#host.clock.now()): void {
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw new TypeError(
        `Cannot write to "${this.name}": a row must be an object, got ${typeof row}`,
      );
    }
    if (this.#encoder !== undefined) {
      this.#append(this.#encoder.encode(row, time));
      return;
    }
    this.#held.push({ row: { ...row }, time });
    this.#afterAdd();
    if (this.#loading === undefined && this.#host.connection() !== undefined) {
      this.schema().catch((error) => this.#host.report(error));
    }
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

  /** Stops timers and gives up what is still buffered, counting it as `closed`. */
  close(): number {
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    const lost = this.#buffer.rows + this.#held.length;
    if (lost > 0) this.#drop("closed", lost);
    while (this.#buffer.dropOldest() !== undefined) { /* discard */ }
    this.#held = [];
    return lost;
  }

  /** Rows buffered or being sent. */
  get pending(): number {
    let rows = this.#buffer.rows + this.#held.length + this.#inFlight;
    for (const count of this.#pendingCounts) rows += count();
    return rows;
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
        this.#buffer.push(encoder.encode(row, time));
      } catch (error) {
        if (!(error instanceof TuskValidationError)) throw error;
        this.#drop("invalid", 1);
        this.#host.report(error);
      }
    }
    return encoder;
  }

  #append(line: string): void {
    this.#buffer.push(line);
    this.#afterAdd();
    if (this.#buffer.rows >= this.#limits.maxRows || this.#buffer.chars >= this.#limits.maxBytes) {
      this.#flushInBackground();
    }
  }

  #afterAdd(): void {
    let over = this.#buffer.rows + this.#held.length - this.#limits.maxBufferedRows;
    if (over > 0) {
      const dropped = over;
      while (over-- > 0) if (this.#held.shift() === undefined) this.#buffer.dropOldest();
      this.#drop("buffer_full", dropped);
      this.#host.report(
        new TuskError(
          `Cannot buffer rows for "${this.name}": ${this.#limits.maxBufferedRows} rows are waiting; dropped the oldest`,
        ),
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
      if (this.#buffer.rows + this.#held.length > 0) await this.#deliver();
      this.#failures = 0;
    } catch (error) {
      this.#stats.lastError = error instanceof Error ? error.message : String(error);
      this.#host.report(error instanceof Error ? error : new Error(String(error)));
      if (!this.#closed) this.#arm(this.#backoff());
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

  async #deliver(): Promise<void> {
    await this.schema();
    const connection = this.#host.connection()!;
    const settings = await this.#host.insertSettings();
    let remaining = this.#buffer.rows;
    while (remaining > 0) {
      const batch = this.#buffer.take(
        Math.min(remaining, this.#limits.maxRows),
        this.#limits.maxBytes,
      );
      remaining -= batch.length;
      this.#inFlight += batch.length;
      let failed: Undelivered | undefined;
      try {
        failed = await this.#send(connection, batch, settings);
      } finally {
        this.#inFlight -= batch.length;
      }
      if (failed !== undefined) {
        this.#buffer.unshift(failed.lines);
        this.#stats.retried += failed.lines.length;
        throw failed.error;
      }
    }
  }

  // Sends a batch; when the server rejects its data, halves it until the bad
  // rows stand alone, delivers the rest and drops only those.
  async #send(
    connection: Connection,
    lines: string[],
    settings: Settings,
  ): Promise<Undelivered | undefined> {
    const table = quoteIdentifier(this.#table.database ?? this.#host.database()) + "." +
      quoteIdentifier(this.#table.tableName);
    try {
      await connection.insert(table, lines.join(""), `Cannot insert into "${this.name}"`, settings);
      this.#stats.written += lines.length;
      return undefined;
    } catch (error) {
      if (!(error instanceof TuskClickHouseError)) throw error;
      this.#stats.failedBatches++;
      this.#stats.lastError = error.message;
      if (!isRowProblem(error)) return { error, lines };
      if (error.kind === "schema") this.invalidateSchema();
      if (lines.length === 1) {
        this.#drop("rejected", 1);
        this.#host.report(
          new TuskError(`${error.message}; rejected row: ${clip(lines[0]!)}`, { cause: error }),
        );
        return undefined;
      }
      const middle = lines.length >> 1;
      const first = await this.#send(connection, lines.slice(0, middle), settings);
      if (first !== undefined) {
        return { error: first.error, lines: [...first.lines, ...lines.slice(middle)] };
      }
      return await this.#send(connection, lines.slice(middle), settings);
    }
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

// Data the server cannot parse or store, or a column that is no longer there:
// the fault is in some rows, not in the connection or the table as a whole.
function isRowProblem(error: TuskClickHouseError): boolean {
  if (error.kind === "data") return true;
  return error.kind === "schema" && error.code !== 60 && error.code !== 81;
}

function clip(line: string): string {
  const text = line.trimEnd();
  return text.length > 300 ? text.slice(0, 300) + "…" : text;
}
