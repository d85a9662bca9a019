import { TuskError, TuskValidationError } from "../errors.ts";
import { DropReports } from "./_drop_reports.ts";
import { dropOldest, HELD_ROW_BYTES } from "./_drop_oldest.ts";
import { RetryQueue, type SentBatch } from "./_retry_queue.ts";
import type { BudgetMember, BufferBudget } from "./buffer_budget.ts";
import { type Flight, newFlight } from "./flight.ts";
import { type HeldRow, HeldRows } from "./held_rows.ts";
import { batchOfLines, LineBuffer, type RowBatch } from "./line_buffer.ts";
import type { TableCounts } from "./table_counts.ts";

export { HELD_ROW_BYTES };

/** What a {@linkcode TableBuffer} is given. */
export interface TableBufferOptions {
  /** The table's name, for messages. */
  name(): string;
  /** The client's shared memory cap. */
  budget: BufferBudget;
  /** The table's figures, which only the buffer changes. */
  counts: TableCounts;
  /** Reports a problem, made only when delivered; rate-limited per key. */
  report(make: () => Error, key: string): void;
  /** Most rows this table may hold, if capped on its own. */
  maxBufferedRows: number | undefined;
}

/**
 * Every row of one table that is not yet delivered or given up: waiting for
 * the schema, encoded and buffered, waiting for a retry, or in flight. Rows
 * enter and leave only through its methods, which keep the client's budget
 * and the table's counts, so both stay exact. Rows are numbered in the order
 * they enter, and the buffer knows the lowest number still unsettled: a
 * flush waits until that passes the count it started with.
 */
export class TableBuffer implements BudgetMember {
  /** `"high"` rows are the last the client's budget drops. */
  priority: "normal" | "high" = "normal";
  readonly #o: TableBufferOptions;
  readonly #lines = new LineBuffer();
  readonly #held = new HeldRows();
  readonly #retry = new RetryQueue();
  readonly #flights = new Set<Flight>();
  /** Rows admitted so far: the next row's entry number. */
  #entered = 0;
  /**
   * Entry numbers of rows the schema refused from among the buffered ones
   * (ascending; rare): the buffered rows are then no longer a gapless run.
   */
  #holes: number[] = [];
  readonly #drops: DropReports;

  /** @param options The budget, counts and reporting of the table. */
  constructor(options: TableBufferOptions) {
    this.#o = options;
    this.#drops = new DropReports(options.name, options.budget, options.counts, options.report);
  }

  /** Rows waiting for the schema. */
  get heldRows(): number {
    return this.#held.size;
  }

  /** Encoded rows waiting to be sent (not retries). */
  get bufferedRows(): number {
    return this.#lines.rows;
  }

  /** Characters of the encoded rows waiting to be sent. */
  get bufferedChars(): number {
    return this.#lines.chars;
  }

  /** Rows held in any state, in flight included. */
  get pending(): number {
    return this.droppableRows + this.inFlightRows;
  }

  /** Rows in flight. */
  get inFlightRows(): number {
    let rows = 0;
    for (const flight of this.#flights) rows += flight.rows;
    return rows;
  }

  /** Rows the client's budget may drop now (all but those in flight). */
  get droppableRows(): number {
    return this.#lines.rows + this.#held.size + this.#retry.rows;
  }

  /** Whether batches wait for a retry. */
  get retrying(): boolean {
    return this.#retry.rows > 0;
  }

  /** Rows admitted so far: a flush covers the rows numbered below it. */
  get entered(): number {
    return this.#entered;
  }

  /** The entry number of the oldest row not yet delivered or given up. */
  get lowestUnsettled(): number {
    let lowest = this.#lines.rows + this.#held.size > 0 ? this.front : this.#entered;
    lowest = Math.min(lowest, this.#retry.first);
    for (const flight of this.#flights) lowest = Math.min(lowest, flight.first);
    return lowest;
  }

  /** Takes in a row written before the schema is known. */
  hold(row: HeldRow): void {
    if (!this.#admit(HELD_ROW_BYTES)) return;
    this.#held.push(row);
    this.#o.budget.change(1, HELD_ROW_BYTES);
    this.#entered++;
    this.#cap();
  }

  /** Takes in one encoded row. */
  push(line: string): void {
    if (!this.#admit(line.length)) return;
    this.#lines.push(line);
    const budget = this.#o.budget;
    budget.rows++;
    budget.chars += line.length;
    this.#entered++;
    if (this.#o.maxBufferedRows !== undefined) this.#cap();
  }

  /**
   * Encodes the rows held for the schema, in order; a row the schema refuses
   * is dropped as `invalid` and reported, and the others are kept.
   *
   * @param encode Encodes one held row, or throws a `TuskValidationError`.
   */
  release(encode: (row: HeldRow) => string): void {
    const budget = this.#o.budget;
    const held = this.#held.takeAll();
    const firstHeld = this.#entered - held.length;
    for (let i = 0; i < held.length; i++) {
      let line: string;
      try {
        line = encode(held[i]!);
      } catch (error) {
        this.#holes.push(firstHeld + i);
        budget.change(-1, -HELD_ROW_BYTES);
        this.#o.counts.drop("invalid", 1);
        const problem = error instanceof TuskValidationError
          ? error
          : new TuskError(`Cannot write to "${this.#o.name()}": ${error}`, { cause: error });
        this.#o.report(() => problem, problem.message);
        continue;
      }
      this.#lines.push(line);
      budget.change(0, line.length - HELD_ROW_BYTES);
    }
  }

  /** The earliest time a batch held for its shard may be sent again, if one is held. */
  get heldUntil(): number | undefined {
    return this.#retry.heldUntil;
  }

  /**
   * Takes the oldest batch waiting for a retry that may go at `now` (one held
   * for a shard that is down waits), if any, for sending.
   */
  takeRetry(now: number): Flight | undefined {
    const sent = this.#retry.shift(now);
    if (sent === undefined) return undefined;
    const lines = sent.start === 0 ? sent.lines : sent.lines.slice(sent.start);
    this.#o.counts.retried += lines.length;
    // The rows dropped from its front are gone: it starts `start` rows later.
    return this.#track(batchOfLines(lines, sent.chars), sent.token, (sent.first ?? 0) + sent.start);
  }

  /**
   * Takes the oldest encoded rows for sending: up to `maxRows` rows and about
   * `maxChars` characters (always at least one row), or `undefined` if none.
   */
  takeFresh(maxRows: number, maxChars: number): Flight | undefined {
    if (this.#lines.rows === 0) return undefined;
    const first = this.front;
    return this.#track(this.#lines.take(maxRows, maxChars), crypto.randomUUID(), first);
  }

  /** ClickHouse acknowledged `rows` rows of the flight. */
  acked(flight: Flight, rows: number, chars: number): void {
    if (flight.settled) return;
    flight.rows -= rows;
    flight.chars -= chars;
    this.#o.counts.written += rows;
    this.#o.budget.change(-rows, -chars);
  }

  /** ClickHouse refused this row of the flight on its own: it is given up. */
  refused(flight: Flight, line: string): void {
    if (flight.settled) return;
    flight.rows--;
    flight.chars -= line.length;
    this.#o.counts.drop("rejected", 1);
    this.#o.budget.change(-1, -line.length);
  }

  /** These parts of the flight could not be delivered: they wait for a retry, token and all. */
  putBack(flight: Flight, batches: SentBatch[]): void {
    if (flight.settled) return;
    for (const batch of batches) {
      batch.first = flight.first + (batch.first ?? 0); // its position in the flight's batch
      flight.rows -= batch.lines.length - batch.start;
      flight.chars -= batch.chars;
    }
    this.#retry.unshift(batches);
    this.#o.budget.rebalance();
  }

  /** The flight's request is over; whatever it did not settle waits for a retry. */
  land(flight: Flight): void {
    if (flight.settled) return;
    flight.settled = true;
    this.#flights.delete(flight);
    if (flight.rows > 0) {
      const lines = flight.batch.lines();
      const left = lines.slice(lines.length - flight.rows);
      this.#retry.unshift([{
        lines: left,
        start: 0,
        chars: flight.chars,
        token: flight.token,
        first: flight.first + flight.batch.rows - flight.rows,
      }]);
      this.#o.budget.rebalance();
    }
  }

  #track(batch: RowBatch, token: string, first: number): Flight {
    const flight = newFlight(batch, token, first);
    this.#flights.add(flight);
    return flight;
  }

  /** Flights whose request has not ended. */
  get flights(): ReadonlySet<Flight> {
    return this.#flights;
  }

  /**
   * Gives up every row held, in flight included, counting them under `reason`.
   *
   * @returns How many rows were given up.
   */
  giveUp(reason: string): number {
    let rows = this.droppableRows;
    let chars = this.#lines.chars + this.#retry.chars + this.#held.size * HELD_ROW_BYTES;
    for (const flight of this.#flights) {
      flight.settled = true;
      rows += flight.rows;
      chars += flight.chars;
    }
    this.#flights.clear();
    this.#holes = [];
    this.#lines.clear();
    this.#held.clear();
    this.#retry.clear();
    this.#o.counts.drop(reason, rows);
    this.#o.budget.change(-rows, -chars);
    return rows;
  }

  /**
   * Drops the oldest rows (waiting for a retry first, then buffered, then
   * waiting for the schema) to free `rows` rows and `chars` characters for
   * the client's budget; counts them as `buffer_full` and reports.
   */
  evict(rows: number, chars: number): void {
    if (this.#dropOldest(rows, chars) > 0) this.#drops.dropped("oldest");
  }

  /** The entry number of the oldest row buffered or held (they are the newest rows, in order). */
  get front(): number {
    let front = this.#entered - this.#lines.rows - this.#held.size;
    const holes = this.#holes;
    // Each refused row among the buffered ones moves the oldest one number lower.
    for (let i = holes.length - 1; i >= 0 && holes[i]! >= front; i--) front--;
    while (holes.length > 0 && holes[0]! < front) holes.shift();
    return front;
  }

  // Counts the row as received; false (and counted as dropped) when the budget refuses it.
  #admit(chars: number): boolean {
    this.#o.counts.received++;
    if (this.#o.budget.admit(this, chars)) return true;
    this.#o.counts.drop("buffer_full", 1);
    this.#drops.dropped("newest");
    return false;
  }

  // The table's own cap, when it has one: one row in, the oldest one out.
  #cap(): void {
    const over = this.droppableRows - (this.#o.maxBufferedRows ?? Infinity);
    if (over <= 0) return;
    this.#dropOldest(over, 0);
    this.#drops.dropped("oldest", this.#o.maxBufferedRows);
  }

  // Drops up to `rows` of the oldest rows (and at least enough to free `chars`
  // characters); counts them as buffer_full and returns how many.
  #dropOldest(rows: number, chars: number): number {
    const freed = dropOldest(this.#retry, this.#lines, this.#held, rows, chars);
    this.#o.budget.change(-freed.rows, -freed.chars);
    this.#o.counts.drop("buffer_full", freed.rows);
    return freed.rows;
  }
}
