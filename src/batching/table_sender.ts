import { TuskClickHouseError, TuskError } from "../errors.ts";
import { BatchesHeld } from "./batches_held.ts";
import { sendBatch, type SendOutcome, type SendTarget } from "./send_batch.ts";
import type { Flight } from "./flight.ts";
import type { TableBuffer } from "./table_buffer.ts";
import type { TableCounts } from "./table_counts.ts";

/** What a {@linkcode TableSender} is given. */
export interface TableSenderOptions {
  /** The table's rows. */
  buffer: TableBuffer;
  /** The table's figures. */
  counts: TableCounts;
  /** Most bytes (UTF-16 code units of JSON) in one insert. */
  maxBytes: number;
  /**
   * Inserts of this table in flight at once: one more than one lets the next
   * batch travel while the server parses the last.
   */
  maxInFlight: number;
  /**
   * Whether callers may join a run another caller started. `false` where
   * requests die without notice (Workers): each flush then sends on its own.
   */
  shareRuns: boolean;
  /** The time, for the problems recorded. */
  now(): number;
  /** Reports a row the server refused on its own. */
  report(error: Error): void;
  /** The server no longer matches the schema the rows were encoded for. */
  schemaChanged(): void;
}

/**
 * Sends a table's rows: batches of up to `maxBytes` (so batches grow while
 * rows back up), retries first (except those held for a shard that is down),
 * up to `maxInFlight` inserts at once. A run
 * goes on until every row numbered below its target has settled or a send
 * fails; callers that arrive during a run raise its target and share it, so
 * one table has one sender at a time.
 */
export class TableSender {
  readonly #o: TableSenderOptions;
  /**
   * One per run under way: a run's inserts carry its signal. Never shared
   * between runs, because in Workers each request runs its own and workerd
   * refuses to touch a signal made in another request.
   */
  readonly #aborts = new Set<AbortController>();
  #run: Promise<void> | undefined;
  #target = 0;
  #landed: Array<() => void> = [];
  /** The last report of batches held for their shard: why they wait. */
  #lastHeld: BatchesHeld | undefined;

  /** @param options The buffer, limits and callbacks. */
  constructor(options: TableSenderOptions) {
    this.#o = options;
  }

  /** Whether inserts of this table are in flight. */
  get busy(): boolean {
    return this.#o.buffer.flights.size > 0;
  }

  /**
   * Sends until every row numbered below `upTo` has settled (delivered,
   * refused or dropped), or one insert fails; what failed waits for a retry.
   * Rows in flight in another run (Workers) are not waited for here.
   *
   * @param upTo The buffer's entry count the caller wants covered.
   * @param target Where and how to send.
   * @throws {TuskClickHouseError} The first failure of the run.
   */
  drain(upTo: number, target: Omit<SendTarget, "signal">): Promise<void> {
    if (!this.#o.shareRuns) return this.#loop(target, () => upTo);
    this.#target = Math.max(this.#target, upTo);
    this.#run ??= this.#loop(target, () => this.#target).finally(() => (this.#run = undefined));
    return this.#run;
  }

  /**
   * Raises the target of the run under way, if there is one that callers
   * share: it then also sends the rows numbered below `upTo`. Synchronous and
   * cheap, for the write path.
   *
   * @returns Whether a run took the new target.
   */
  extend(upTo: number): boolean {
    if (this.#run === undefined) return false;
    if (upTo > this.#target) this.#target = upTo;
    return true;
  }

  /** Resolves when the next insert of this table ends (at once when none is in flight). */
  nextLanding(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.#landed.push(resolve));
  }

  /**
   * Takes back the rows of inserts whose run has shown no sign of life for
   * {@linkcode STALE_MS} (Workers: the request that sent them ended without
   * `waitUntil`, and its I/O with it): they wait for a retry, with their
   * token, and this caller sends them.
   *
   * @returns How many inserts were taken back.
   */
  reclaimStale(): number {
    if (this.#o.shareRuns) return 0;
    let reclaimed = 0;
    const now = Date.now();
    for (const flight of [...this.#o.buffer.flights]) {
      if (now - flight.alive <= STALE_MS) continue;
      this.#o.buffer.land(flight);
      reclaimed++;
    }
    return reclaimed;
  }

  /** Aborts the inserts in flight (a closing client out of time). */
  abort(): void {
    for (const controller of this.#aborts) controller.abort();
    this.#aborts.clear();
  }

  async #loop(target: Omit<SendTarget, "signal">, upTo: () => number): Promise<void> {
    const controller = new AbortController();
    this.#aborts.add(controller);
    try {
      await this.#sendUntil({ ...target, signal: controller.signal }, upTo);
    } finally {
      this.#aborts.delete(controller);
    }
  }

  async #sendUntil(target: SendTarget, upTo: () => number): Promise<void> {
    const buffer = this.#o.buffer;
    const active = new Set<Promise<void>>();
    let failure: unknown;
    // Batches held for a shard that is down do not stop the run: the other shards take the rest.
    let held: BatchesHeld | undefined;
    while (failure === undefined && buffer.lowestUnsettled < upTo()) {
      if (active.size < this.#o.maxInFlight) {
        const flight = buffer.takeRetry(this.#o.now()) ??
          (buffer.front < upTo() ? buffer.takeFresh(Infinity, this.#o.maxBytes) : undefined);
        if (flight !== undefined) {
          const sending: Promise<void> = this.#send(target, flight).catch((error) => {
            if (error instanceof BatchesHeld) {
              if (held === undefined || error.until < held.until) held = error;
            } else failure ??= error;
          }).finally(() => active.delete(sending));
          active.add(sending);
          continue;
        }
      }
      if (active.size === 0) break; // the rest is held for a schema, or in another run's flight
      await Promise.race(active);
    }
    await Promise.all(active);
    if (failure !== undefined) throw failure;
    // Rows held by an earlier run, not yet due, still keep this run's target from being met.
    const until = buffer.heldUntil;
    if (
      held === undefined && until !== undefined && this.#lastHeld !== undefined &&
      buffer.lowestUnsettled < upTo()
    ) {
      held = new BatchesHeld(this.#lastHeld.failure, until);
    }
    if (held !== undefined) throw (this.#lastHeld = held);
  }

  async #send(target: SendTarget, flight: Flight): Promise<void> {
    const buffer = this.#o.buffer;
    // Where runs are not shared (Workers), the run's own timer marks its
    // inserts alive; a request that ends without waitUntil stops it, so
    // another request can tell the insert is lost (reclaimStale).
    let ticker: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      flight.alive = Date.now();
      ticker = setTimeout(tick, STALE_MS / 4);
    };
    if (!this.#o.shareRuns) tick();
    try {
      const left = await sendBatch(
        target,
        flight.batch,
        flight.token,
        {
          written: (rows, chars) => buffer.acked(flight, rows, chars),
          failed: (error) => {
            this.#o.counts.failedRequest(error);
            this.#o.counts.problem(error.message, this.#o.now());
          },
          schemaChanged: () => this.#o.schemaChanged(),
          rejected: (line, error) => {
            buffer.refused(flight, line);
            this.#o.report(
              new TuskError(`${error.message}; rejected row: ${clip(line)}`, { cause: error }),
            );
          },
        } satisfies SendOutcome,
      );
      if (left !== undefined) {
        // Parts whose shard is down and may hold them already wait for it, apart from the rest.
        let until = 0;
        for (const part of left.batches) {
          part.notBefore = target.connection.heldUntil?.(part.token);
          until = part.notBefore === undefined ? Infinity : Math.max(until, part.notBefore);
        }
        buffer.putBack(flight, left.batches);
        throw until === Infinity ? left.error : new BatchesHeld(left.error, until);
      }
    } catch (error) {
      if (!(error instanceof TuskClickHouseError)) {
        this.#o.counts.problem(String(error), this.#o.now());
      }
      throw error;
    } finally {
      clearTimeout(ticker);
      buffer.land(flight);
      const waiting = this.#landed;
      this.#landed = [];
      for (const resolve of waiting) resolve();
    }
  }
}

/** How long an insert's run may show no sign of life before its rows are taken back (Workers). */
export const STALE_MS = 2000;

function clip(line: string): string {
  const text = line.trimEnd();
  return text.length > 300 ? text.slice(0, 300) + "…" : text;
}
