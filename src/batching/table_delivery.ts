import { TuskClickHouseError, TuskError } from "../errors.ts";
import type { TimerHandle } from "../runtime/clock.ts";
import type { RowEncoder } from "../schema/row_encoder.ts";
import { quoteIdentifier } from "../transport/quote.ts";
import { Backoff } from "./backoff.ts";
import { BatchesHeld } from "./batches_held.ts";
import type { TableBuffer } from "./table_buffer.ts";
import type { TableCounts } from "./table_counts.ts";
import type { TableSchema } from "./table_schema.ts";
import { STALE_MS, type TableSender } from "./table_sender.ts";
import type { BatchLimits, WriterHost, WriterTable } from "./writer_host.ts";

/** How hard one flush tries. */
export interface FlushLimits {
  /** Longest the flush keeps trying, in milliseconds. */
  timeoutMs: number;
  /** Most attempts (a first try and its retries). */
  attempts?: number;
}

/** What a {@linkcode TableDelivery} is given: the table's parts. */
export interface TableDeliveryParts {
  /** The table's name as `"database.table"`, for messages. */
  name(): string;
  host: WriterHost;
  table: WriterTable;
  limits: BatchLimits;
  buffer: TableBuffer;
  counts: TableCounts;
  schema: TableSchema;
  sender: TableSender;
  /** Runs the table's sources (counters' sums) before a flush or a period's send. */
  runSources(): Promise<unknown> | undefined;
}

/**
 * When a table's rows go and what happens when they cannot: the period
 * timer, sends started by a full batch, backoff after failures, and the
 * retries of `flush()` within its time limit. Outside Workers sends start in
 * the background; in Workers only a flush (inside its request) sends.
 */
export class TableDelivery {
  readonly #p: TableDeliveryParts;
  readonly #backoff: Backoff;
  #timer: TimerHandle | undefined;
  /** A background delivery is starting (reading facts before its run). */
  #kicking = false;
  #lastFailure: unknown;

  /** @param parts The table's buffer, schema, sender and settings. */
  constructor(parts: TableDeliveryParts) {
    this.#p = parts;
    this.#backoff = new Backoff(parts.limits.retryBaseMs, parts.limits.retryMaxMs);
  }

  /** Rows were taken in: the period starts if it has not, and a full batch goes now. */
  added(): void {
    if (this.#timer === undefined) this.#arm(this.#p.limits.periodMs);
    if (this.full) this.kick();
  }

  /** Whether no backoff after a failure is waiting: an attempt may start now. */
  get mayTry(): boolean {
    return this.#backoff.waitLeft(this.#p.host.clock.now()) === 0;
  }

  /** Whether a full batch is buffered. */
  get full(): boolean {
    const { buffer, limits } = this.#p;
    return buffer.bufferedRows >= limits.maxRows || buffer.bufferedChars >= limits.maxBytes;
  }

  /**
   * Rows ask to go now: sent in the background, except in Workers (only a
   * flush sends there) or while a retry waits. A run under way takes the new
   * rows too: the common case while rows stream in, kept to a comparison
   * and an assignment.
   */
  kick(): void {
    const { sender, buffer, host } = this.#p;
    if (sender.extend(buffer.entered) || this.#kicking) return;
    if (host.clock.backgroundTimers === false || host.session() === undefined) return;
    const wait = this.#backoff.waitLeft(host.clock.now());
    if (wait > 0) {
      // A retry waits; a timer that fired a little early (Node and Bun drop
      // the fraction of a millisecond) is armed again for the rest.
      if (this.#timer === undefined) this.#arm(wait);
      return;
    }
    this.#kicking = true;
    this.#deliver(buffer.entered).catch((error) => this.failed(error)).finally(() => {
      this.#kicking = false;
      if (this.full) this.kick(); // rows that filled a batch while the run was ending
    });
  }

  /**
   * Sends every row taken in before the call and resolves once ClickHouse
   * acknowledged them all; see `TableWriter.flush`.
   *
   * @throws {TuskError} The last failure, when rows are still held.
   */
  async flush(limits?: FlushLimits): Promise<void> {
    const { buffer, sender, host } = this.#p;
    const timeoutMs = limits?.timeoutMs ?? host.session()?.options.flushTimeoutMs ?? 0;
    const deadline = Date.now() + timeoutMs;
    await this.#p.runSources();
    const upTo = buffer.entered;
    for (let attempt = 1;; attempt++) {
      if (buffer.lowestUnsettled >= upTo) return;
      try {
        await this.#deliver(upTo);
        // Anything left is in another request's insert (Workers): wait for it
        // to land, or take its rows back once its request shows no life.
        if (buffer.lowestUnsettled < upTo && sender.reclaimStale() === 0) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const pause = new Promise<void>((resolve) => (timer = setTimeout(resolve, STALE_MS / 4)));
          await Promise.race([sender.nextLanding(), pause]);
          clearTimeout(timer); // not left to hold the program open
        }
      } catch (caught) {
        if (host.session() === undefined) throw caught; // closed or never initialized
        const delay = this.failed(caught);
        const error = caught instanceof BatchesHeld ? caught.failure : caught;
        const retryable = error instanceof TuskClickHouseError && error.retryable;
        const left = deadline - Date.now();
        if (!retryable || attempt >= (limits?.attempts ?? Infinity) || left <= 0) throw error;
        // The last attempt comes at the deadline rather than not at all.
        await sleep(Math.min(delay, left));
      }
    }
  }

  /** Whether the client's budget and this table's cap have room for more rows (bulk writes). */
  get hasRoom(): boolean {
    const { host, buffer, limits } = this.#p;
    const { rows, chars, limits: cap } = host.budget;
    const tableCap = limits.maxBufferedRows;
    return rows < cap.maxRows * 0.9 && chars < cap.maxChars * 0.9 &&
      (tableCap === undefined || buffer.droppableRows < tableCap * 0.9) &&
      buffer.bufferedChars < 2 * limits.maxBytes;
  }

  /** Whether inserts are under way or a full batch waits to go. */
  get sending(): boolean {
    return this.#p.sender.busy || this.full;
  }

  /**
   * Resolves with the encoder once the schema is read, waiting out failures
   * that may pass (ClickHouse away) with backoff, for as long as they last.
   *
   * @throws {TuskError} When the schema cannot be read for good (a missing
   * table, no access, no client).
   */
  async schemaWhenReachable(): Promise<RowEncoder> {
    for (;;) {
      try {
        return await this.#p.schema.load();
      } catch (error) {
        await this.retryAfter(error);
      }
    }
  }

  /**
   * Resolves once some room is made: an insert of this table ended, or
   * (none in flight) one was started and ended, after any backoff.
   */
  async waitForRoom(): Promise<void> {
    const { sender, buffer, host } = this.#p;
    if (sender.busy) return sender.nextLanding();
    const wait = this.#backoff.waitLeft(host.clock.now());
    if (wait > 0) await sleep(wait);
    await this.#deliver(buffer.entered).catch((error) => this.failed(error));
  }

  /**
   * Waits out a failure that may pass (recorded and reported as usual, then
   * the backoff's delay); rethrows one that will not.
   *
   * @throws The failure, when it is not retryable.
   */
  async retryAfter(error: unknown): Promise<void> {
    if (!(error instanceof TuskClickHouseError && error.retryable)) throw error;
    await sleep(this.failed(error));
  }

  /**
   * A failure: recorded, reported, and a background retry armed with backoff.
   *
   * @returns The backoff's delay, in milliseconds.
   */
  failed(error: unknown): number {
    const { counts, host } = this.#p;
    // One failed run reaches every caller that shared it: count it once.
    if (error === this.#lastFailure) return this.#backoff.waitLeft(host.clock.now());
    this.#lastFailure = error;
    if (error instanceof BatchesHeld) {
      // The run sent what it could; only the held batches wait, for their shard's next probe.
      counts.problem(error.failure.message, host.clock.now());
      host.report(error.failure);
      const delay = Math.max(1, Math.min(error.until - host.clock.now(), this.#p.limits.periodMs));
      this.#backoff.succeed();
      this.#arm(delay);
      return delay;
    }
    const problem = error instanceof Error ? error : new Error(String(error));
    counts.failedRequest(error); // an insert's failure was counted when it happened
    counts.problem(problem.message, host.clock.now());
    host.report(problem);
    const delay = this.#backoff.fail(error, host.clock.now());
    this.#arm(delay);
    return delay;
  }

  /** Stops the timer and forgets failures (the table's rows were given up). */
  stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#backoff.succeed();
  }

  // Reads the schema if rows wait for it, then sends until the rows numbered
  // below `upTo` are settled.
  async #deliver(upTo: number): Promise<void> {
    const { host, table, buffer, schema, sender } = this.#p;
    const session = host.session();
    if (session === undefined) {
      throw new TuskError(
        `Cannot flush "${this.#p.name()}": client "${host.name}" is not initialized; call init() first`,
      );
    }
    if (buffer.heldRows > 0) await schema.load();
    const { settings, deduplicationTokens } = await session.insertSettings();
    const database = table.database ?? session.options.database;
    await sender.drain(upTo, {
      connection: session.connection,
      table: quoteIdentifier(database) + "." + quoteIdentifier(table.tableName),
      action: `Cannot insert into "${this.#p.name()}"`,
      settings,
      tokens: deduplicationTokens,
    });
    this.#backoff.succeed();
    if (buffer.pending > 0) {
      if (this.#timer === undefined) this.#arm(this.#p.limits.periodMs);
    } else {
      this.#timer?.cancel();
      this.#timer = undefined;
    }
  }

  #arm(delayMs: number): void {
    const { host } = this.#p;
    this.#timer?.cancel();
    this.#timer = host.clock.setTimeout(() => {
      this.#timer = undefined;
      if (host.session() === undefined) return; // released by close(): rows wait for init()
      this.#p.runSources()?.then(() => this.kick(), (error) => this.failed(error)) ?? this.kick();
    }, delayMs);
  }
}

// A wait inside a call the caller awaits (flush, writeAll): a real timer, in
// the caller's own request where timers are per request (Workers).
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
