import { BufferBudget } from "../batching/buffer_budget.ts";
import type { TableStats } from "../batching/table_stats.ts";
import { TableWriter } from "../batching/table_writer.ts";
import type {
  BatchLimits,
  InsertSettings,
  WriterHost,
  WriterOptions,
  WriterTable,
} from "../batching/writer_host.ts";
import { TuskError } from "../errors.ts";
import { type Clock, systemClock } from "../runtime/clock.ts";
import { readEnv } from "../runtime/env.ts";
import { Connection } from "../transport/connection.ts";
import { fetchServerInfo, type ServerInfo, supportedSettings } from "../transport/server_info.ts";
import { type BatchingOptions, DEFAULT_BUFFER, type ResolvedOptions } from "./options.ts";
import { Reporter } from "./reporter.ts";
import type { TuskClient } from "./tusk_client.ts";

const DEDUPLICATION_TOKEN = "insert_deduplication_token";

const DEFAULT_BATCHING: Required<BatchingOptions> = {
  period: 60,
  maxRows: 10_000,
  maxBytes: 8 * 1024 * 1024,
  maxBufferedRows: 100_000,
};

/**
 * The inside of one named client: its connection and every table buffered for
 * it. Features reach it through `clientSlot(name)`; users see only its
 * {@linkcode TuskClient} face. `init()` with the same name reconfigures the
 * same core, so rows already buffered are kept.
 */
export class ClientCore {
  /** The client's name (`clientName`). */
  readonly name: string;
  #options: ResolvedOptions | undefined;
  #connection: Connection | undefined;
  #server: Promise<{ info: ServerInfo; reported: boolean }> | undefined;
  readonly #writers = new Map<string, TableWriter>();
  readonly #batchingOf = new WeakMap<TableWriter, string>();
  readonly #reporter: Reporter;
  readonly #host: WriterHost;
  readonly #budget = new BufferBudget(DEFAULT_BUFFER);
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
      connection: () => this.#connection,
      database: () => this.#options?.database ?? "default",
      insertSettings: () => this.#insertSettings(),
      budget: this.#budget,
      columnDefaults: (columns) => this.#columnDefaults(columns),
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
    return this.#options !== undefined;
  }

  /** The base URL (never with credentials), once configured. */
  get url(): string | undefined {
    return this.#options?.url;
  }

  /** The database for tables named without one. */
  get database(): string {
    return this.#options?.database ?? "default";
  }

  /** Time and timers of this client. */
  get clock(): Clock {
    return this.#options?.clock ?? systemClock;
  }

  /** The environment record given to `init`, if any. */
  get env(): Readonly<Record<string, unknown>> | undefined {
    return this.#options?.env;
  }

  /**
   * Connects (or reconnects) with new options; buffered rows are kept, and
   * schemas are read again. Use `init()`.
   *
   * @param options Resolved options.
   */
  configure(options: ResolvedOptions): void {
    const previous = this.#options;
    this.#options = options;
    this.#reporter.onError = options.onError;
    this.#budget.limits = options.buffer;
    // The same server and environment again (a Worker calls init() on every
    // request): keep the connection, the server's facts and every schema, so
    // none of them is read again.
    if (previous !== undefined && this.#connection !== undefined && sameTarget(previous, options)) {
      // The server was asked about the settings wanted then; ask again for new ones.
      if (!sameKeys(previous.clickhouseSettings, options.clickhouseSettings)) {
        this.#server = undefined;
      }
      return;
    }
    this.#connection = new Connection({
      url: options.url,
      user: options.user,
      password: options.password,
      database: options.database,
      requestTimeoutMs: options.requestTimeoutMs,
      fetch: options.fetch,
      compression: options.compression,
    });
    this.#server = undefined;
    for (const writer of this.#writers.values()) {
      writer.invalidateSchema();
      if (writer.pending > 0) writer.schema().catch((error) => this.#reporter.report(error));
    }
  }

  /**
   * The writer of a table, made on first use. Used by `metric()`, counters,
   * heartbeats and logging; all of them share one writer per table.
   *
   * @param table The table.
   * @param batching Batching for this table, when it is made here.
   * @param options `priority: "high"` (heartbeats) makes this table's rows the
   * last the client's memory cap drops; it sticks once set.
   * @returns The writer.
   */
  writer(table: WriterTable, batching?: BatchingOptions, options?: WriterOptions): TableWriter {
    const key = `${table.database ?? ""}.${table.tableName}`;
    let writer = this.#writers.get(key);
    if (writer === undefined) {
      writer = new TableWriter(this.#host, table, this.#limits(batching), options);
      this.#writers.set(key, writer);
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
   * acknowledged them.
   *
   * @throws {TuskError} When some rows could not be delivered (they stay buffered).
   */
  async flush(): Promise<void> {
    const results = await Promise.allSettled([...this.#writers.values()].map((w) => w.flush()));
    const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) {
      throw new AggregateError(
        errors,
        `Cannot flush client "${this.name}": ${errors.length} tables failed`,
      );
    }
  }

  /**
   * Flushes (waiting at most `closeTimeout`), then stops every timer and gives
   * up what is left, reporting how many rows of which table were not delivered.
   * Requests still running when the time is up are aborted, so `close()`
   * returns within `closeTimeout` even when ClickHouse hangs.
   */
  async close(): Promise<void> {
    const timeoutMs = this.#options?.closeTimeoutMs ?? 10_000;
    // Keep a little of the time for aborting what is still in flight.
    const grace = Math.min(250, timeoutMs / 10);
    const writers = [...this.#writers.values()];
    await raceTimeout(this.flush().catch(() => {}), timeoutMs - grace);
    for (const writer of writers) writer.abort();
    await raceTimeout(Promise.all(writers.map((w) => w.idle())), grace);
    const lost: string[] = [];
    let total = 0;
    for (const writer of writers) {
      const lastError = writer.stats().lastError;
      const rows = writer.close();
      if (rows === 0) continue;
      total += rows;
      lost.push(`"${writer.name}": ${rows}${lastError === undefined ? "" : ` (${lastError})`}`);
    }
    if (total > 0) {
      this.#reporter.report(
        new TuskError(
          `Cannot deliver ${total} rows of client "${this.name}": closed before ClickHouse accepted them; ${
            lost.join("; ")
          }`,
        ),
      );
    }
    for (const writer of writers) writer.reopen();
    // Released: getClient() no longer returns it, and init() connects it again.
    this.#options = undefined;
    this.#connection = undefined;
    this.#server = undefined;
  }

  /** Delivery figures of every table of this client. */
  stats(): TableStats[] {
    return [...this.#writers.values()].map((writer) => writer.stats());
  }

  /** Rows buffered or being sent, over all tables. */
  get pending(): number {
    let rows = 0;
    for (const writer of this.#writers.values()) rows += writer.pending;
    return rows;
  }

  // The writers' view of `clock`, which init() may replace after they exist.
  #liveClock(): Clock {
    const current = () => this.clock;
    return {
      // One call deep: writers read it for every row that leaves out its time.
      now: () => (this.#options?.clock ?? systemClock).now(),
      setTimeout: (callback, delayMs) => current().setTimeout(callback, delayMs),
      get backgroundTimers() {
        return current().backgroundTimers;
      },
    };
  }

  #limits(batching: BatchingOptions | undefined): BatchLimits {
    const merged = { ...DEFAULT_BATCHING, ...this.#options?.batching, ...batching };
    return {
      periodMs: merged.period * 1000,
      maxRows: merged.maxRows,
      maxBytes: merged.maxBytes,
      maxBufferedRows: merged.maxBufferedRows,
      retryBaseMs: 1000,
      retryMaxMs: 60_000,
    };
  }

  // The user's settings the server knows, and whether it takes deduplication
  // tokens; the server is asked once per connection.
  async #insertSettings(): Promise<InsertSettings> {
    const wanted = this.#options?.clickhouseSettings ?? {};
    if (this.#connection === undefined) return { settings: {}, deduplicationTokens: false };
    const asked = [...new Set([...Object.keys(wanted), DEDUPLICATION_TOKEN])];
    const server = this.#server ??= fetchServerInfo(this.#connection, asked).then(
      (info) => ({ info, reported: false }),
      (error) => {
        this.#server = undefined;
        throw error;
      },
    );
    const known = await server;
    const { info } = known;
    const deduplicationTokens = info.knownSettings.has(DEDUPLICATION_TOKEN) &&
      !(DEDUPLICATION_TOKEN in wanted);
    const { settings, unsupported } = supportedSettings(wanted, info);
    if (unsupported.length > 0 && !known.reported) {
      known.reported = true;
      this.#reporter.report(
        new TuskError(
          `Cannot use settings ${
            unsupported.map((s) => `"${s}"`).join(", ")
          }: server ${info.version} does not know them; they are not sent`,
        ),
      );
    }
    return { settings, deduplicationTokens };
  }

  #columnDefaults(columns: readonly string[]): Record<string, string> {
    const mode = this.#options?.envTags ?? "prefixed";
    const defaults: Record<string, string> = {};
    if (mode === "off") return defaults;
    for (const column of columns) {
      const name = (mode === "prefixed" ? "TUSK_" : "") + column.toUpperCase();
      const value = readEnv(name, this.#options?.env);
      if (value !== undefined) defaults[column] = value;
    }
    return defaults;
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

// Whether two configurations reach the same server as the same user and fill
// rows the same way, so what was learnt from the server still holds.
function sameTarget(a: ResolvedOptions, b: ResolvedOptions): boolean {
  return a.url === b.url && a.user === b.user && a.password === b.password &&
    a.database === b.database && a.requestTimeoutMs === b.requestTimeoutMs &&
    a.fetch === b.fetch && a.compression === b.compression && a.envTags === b.envTags &&
    sameRecord(a.env, b.env);
}

function sameKeys(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b);
}

function sameRecord(
  a: Readonly<Record<string, unknown>> | undefined,
  b: Readonly<Record<string, unknown>> | undefined,
): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.is(a[key], b[key]));
}
