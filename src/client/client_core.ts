import { BufferBudget } from "../batching/buffer_budget.ts";
import type { TableStats } from "../batching/table_stats.ts";
import { type FlushLimits, TableWriter } from "../batching/table_writer.ts";
import type {
  BatchLimits,
  WriterHost,
  WriterOptions,
  WriterTable,
} from "../batching/writer_host.ts";
import { TuskError, TuskFlushError } from "../errors.ts";
import { type Clock, systemClock } from "../runtime/clock.ts";
import { ClientSession } from "./client_session.ts";
import {
  type BatchingOptions,
  DEFAULT_BATCHING,
  defaultBuffer,
  type ResolvedOptions,
  RETRY_DELAYS,
} from "./options.ts";
import { Reporter } from "./reporter.ts";
import type { TuskClient } from "./tusk_client.ts";

/**
 * One named client: its current session (connection and server facts), the
 * writer of every table it has been asked for, and the memory budget they
 * share. Made unconfigured by `clientSlot(name)`, so metrics can exist and
 * be written before `init`; users see only its {@linkcode TuskClient} face.
 */
export class ClientCore {
  /** The client's name (`clientName`). */
  readonly name: string;
  #session: ClientSession | undefined;
  readonly #writers: TableWriter[] = [];
  readonly #batchingOf = new WeakMap<TableWriter, string>();
  readonly #reporter: Reporter;
  readonly #host: WriterHost;
  readonly #budget = new BufferBudget(defaultBuffer());
  /** What `init()` and `getClient()` hand to users. */
  readonly client: TuskClient;

  /**
   * Creates an unconfigured client; `configure` connects it. Use `init()`.
   *
   * @param name The client's name.
   */
  constructor(name: string) {
    this.name = name;
    this.#reporter = new Reporter(() => this.clock.now());
    this.#host = {
      name,
      clock: this.#liveClock(),
      budget: this.#budget,
      session: () => this.#session,
      report: (error, key) => this.#reporter.report(error, key),
    };
    const url = () => this.url;
    const database = () => this.database;
    this.client = {
      name,
      get url() {
        return url();
      },
      get database() {
        return database();
      },
      flush: () => this.flush(),
      close: () => this.close(),
      stats: () => this.stats(),
    };
  }

  /** Whether `init()` has configured this client. */
  get configured(): boolean {
    return this.#session !== undefined;
  }

  /** The base URL (never with credentials), once configured. */
  get url(): string | undefined {
    return this.#session?.options.url;
  }

  /** The database for tables named without one. */
  get database(): string {
    return this.#session?.options.database ?? "default";
  }

  /** Time and timers of this client. */
  get clock(): Clock {
    return this.#session?.options.clock ?? systemClock;
  }

  /** The environment record given to `init`, if any. */
  get env(): Readonly<Record<string, unknown>> | undefined {
    return this.#session?.options.env;
  }

  /**
   * Connects (or reconnects) with new options; buffered rows are kept. The
   * same server, user and row filling again (a Worker calls `init()` on every
   * request) keep the session, so nothing learnt from the server is read
   * again; otherwise schemas are read again. Use `init()`.
   *
   * @param options Resolved options.
   */
  configure(options: ResolvedOptions): void {
    this.#reporter.onError = options.onError;
    this.#budget.limits = options.buffer;
    if (this.#session?.fits(options)) {
      this.#session.options = options;
      return;
    }
    const background = () => this.clock.backgroundTimers !== false;
    this.#session = new ClientSession(options, (e) => this.#reporter.report(e), background);
    for (const writer of this.#writers) {
      writer.invalidateSchema();
      if (writer.pending > 0) writer.readSchemaSoon();
    }
  }

  /**
   * The writer of a table, made on first use. Used by `metric()`, counters,
   * heartbeats and logging; all of them share one writer per table, however
   * the table is spelled (`"cpu"` and `"default.cpu"` on a client whose
   * database is `default` are one table).
   *
   * @param table The table.
   * @param batching Batching for this table, when it is made here.
   * @param options `priority: "high"` (heartbeats) makes this table's rows the
   * last the client's memory cap drops; it sticks once set.
   * @returns The writer.
   */
  writer(table: WriterTable, batching?: BatchingOptions, options?: WriterOptions): TableWriter {
    const name = `${table.database ?? this.database}.${table.tableName}`;
    let writer = this.#writers.find((w) => w.name === name);
    if (writer === undefined) {
      writer = new TableWriter(this.#host, table, this.#limits(batching), options);
      this.#writers.push(writer);
      this.#batchingOf.set(writer, JSON.stringify(batching ?? {}));
      return writer;
    }
    if (options?.priority === "high") writer.priority = "high";
    const first = this.#batchingOf.get(writer);
    if (batching !== undefined && first !== JSON.stringify(batching)) {
      // One buffer per table, so its first user sets its batching: say so
      // rather than silently ignore different wishes.
      this.#reporter.report(
        new TuskError(
          `Cannot apply batching ${JSON.stringify(batching)} to "${writer.name}": ` +
            `the table already batches by ${first}, set by its first metric, counter, heartbeat or logger`,
        ),
      );
    }
    return writer;
  }

  /** What this client holds in memory now, over all its tables, and its caps. */
  get buffered(): { rows: number; bytes: number; maxRows: number; maxBytes: number } {
    const { rows, chars, limits } = this.#budget;
    return { rows, bytes: chars, maxRows: limits.maxRows, maxBytes: limits.maxChars };
  }

  /** Reports a problem through `onError` or the original console, rate-limited. */
  report(error: Error): void {
    this.#reporter.report(error);
  }

  /**
   * Sends every buffered row of every table and resolves once ClickHouse has
   * acknowledged them, retrying failures that may pass within `flushTimeout`.
   *
   * @param limits How long to keep trying (default: `flushTimeout`).
   * @throws {TuskFlushError} Naming every table whose rows are still held.
   */
  async flush(limits?: FlushLimits): Promise<void> {
    const writers = [...this.#writers];
    const results = await Promise.allSettled(writers.map((w) => w.flush(limits)));
    const failed: Array<{ table: string; rows: number; error: Error }> = [];
    results.forEach((result, i) => {
      if (result.status === "fulfilled") return;
      const error = result.reason instanceof Error
        ? result.reason
        : new Error(String(result.reason));
      failed.push({ table: writers[i]!.name, rows: writers[i]!.pending, error });
    });
    if (failed.length > 0) throw new TuskFlushError(this.name, failed, this.configured);
  }

  /**
   * Flushes (trying for at most `closeTimeout`), then stops every timer,
   * aborts what is still in flight and gives up what is left, with one report
   * per table naming how many rows were given up and why. Nothing of this
   * client runs or keeps the process alive once it resolves.
   *
   * @param atExit The program is ending (the exit hook): two attempts at most,
   * and the report says so.
   */
  async close(atExit = false): Promise<void> {
    const closing = this.#session;
    if (closing === undefined) return;
    const timeoutMs = closing.options.closeTimeoutMs;
    // Keep a little of the time for aborting what is still in flight.
    const grace = Math.min(250, timeoutMs / 10);
    const writers = [...this.#writers];
    let why: string | undefined;
    await raceTimeout(
      this.flush({ timeoutMs: timeoutMs - grace, attempts: atExit ? 2 : undefined })
        .catch((e) => (why = e.message)),
      timeoutMs - grace,
    );
    // init() ran meanwhile: the client lives on, and its rows with it.
    if (this.#session !== closing) return;
    for (const writer of writers) writer.abort();
    const names = writers.map((writer) => writer.name); // while the session names the database
    // Released: getClient() no longer returns it, timers find no session, and init() connects again.
    this.#session = undefined;
    writers.forEach((writer, i) => {
      const lastError = writer.stats().lastError ?? why;
      const rows = writer.giveUp("closed");
      if (rows === 0) return;
      this.#reporter.report(
        new TuskError(
          `Cannot deliver ${rows} rows of "${names[i]}" (client "${this.name}"): ` +
            `${atExit ? "the program ended" : "closed"} before ClickHouse accepted them` +
            (lastError === undefined ? "" : `; ${lastError}`),
        ),
      );
    });
  }

  /**
   * Reports, one line per table, the rows still held and the last error
   * (a signal is ending the program, which may not wait for them).
   *
   * @param when When, for the message, e.g. `when SIGTERM arrived`.
   */
  reportHeld(when: string): void {
    for (const writer of this.#writers) {
      const rows = writer.pending;
      if (rows === 0) continue;
      const lastError = writer.stats().lastError;
      this.#reporter.report(
        new TuskError(
          `Cannot deliver ${rows} rows of "${writer.name}" (client "${this.name}"): still held ${when}` +
            (lastError === undefined ? "" : `; ${lastError}`),
        ),
      );
    }
  }

  /**
   * Delivery figures of every table of this client; with several endpoints,
   * each table's figures also list the client's endpoints.
   */
  stats(): TableStats[] {
    const link = this.#session?.connection;
    if (link === undefined || link.size === 1) return this.#writers.map((w) => w.stats());
    const endpoints = link.stats(); // the client's, the same for every table
    return this.#writers.map((writer) => ({ ...writer.stats(), endpoints }));
  }

  /** Rows buffered or being sent, over all tables. */
  get pending(): number {
    let rows = 0;
    for (const writer of this.#writers) rows += writer.pending;
    return rows;
  }

  // The writers' view of `clock`, which init() may replace after they exist.
  #liveClock(): Clock {
    const current = () => this.clock;
    return {
      // One call deep: writers read it for every row that leaves out its time.
      now: () => (this.#session?.options.clock ?? systemClock).now(),
      setTimeout: (callback, delayMs) => current().setTimeout(callback, delayMs),
      get backgroundTimers() {
        return current().backgroundTimers;
      },
    };
  }

  #limits(batching: BatchingOptions | undefined): BatchLimits {
    const merged = { ...DEFAULT_BATCHING, ...this.#session?.options.batching, ...batching };
    return {
      periodMs: merged.period * 1000,
      maxRows: merged.maxRows,
      maxBytes: merged.maxBytes,
      maxBufferedRows: merged.maxBufferedRows,
      retryBaseMs: RETRY_DELAYS.baseMs,
      retryMaxMs: RETRY_DELAYS.maxMs,
    };
  }
}

// Waits for `promise`, but no longer than `ms` (never rejects).
async function raceTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms))));
  try {
    await Promise.race([promise.then(() => {}, () => {}), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
