import type { TableStats } from "./table_stats.ts";

/**
 * The running figures of one table: what entered, what ClickHouse
 * acknowledged, what was sent again and what was given up, by reason. Rows
 * are counted where they enter or leave the table's buffer (and where a
 * feature gives one up before it gets there, `countDropped`), so
 * `received = written + pending + dropped` holds at every moment.
 */
export class TableCounts {
  /** Rows taken in (by `write`, `writeAll`, counters, heartbeats, loggers). */
  received = 0;
  /** Rows acknowledged by ClickHouse. */
  written = 0;
  /** Rows sent again after a failed attempt (once per attempt). */
  retried = 0;
  /**
   * Requests that failed while delivering this table's rows: inserts (each
   * part of a split batch), and the schema or server reads before them.
   */
  failedBatches = 0;
  readonly #counted = new WeakSet<object>();
  /** Rows given up on, by reason. */
  readonly dropped: Record<string, number> = {};
  #lastError: string | undefined;
  #lastErrorAt: number | undefined;

  /**
   * Counts `rows` given up on for `reason`.
   *
   * @param reason `invalid`, `rejected`, `buffer_full`, `closed`, ...
   * @param rows How many.
   */
  drop(reason: string, rows: number): void {
    if (rows > 0) this.dropped[reason] = (this.dropped[reason] ?? 0) + rows;
  }

  /**
   * Counts a failed request once, however many callers see its error.
   *
   * @param error The request's error.
   */
  failedRequest(error: unknown): void {
    if (typeof error === "object" && error !== null) {
      if (this.#counted.has(error)) return;
      this.#counted.add(error);
    }
    this.failedBatches++;
  }

  /** Rows given up on, whatever the reason. */
  get droppedTotal(): number {
    let rows = 0;
    for (const reason in this.dropped) rows += this.dropped[reason]!;
    return rows;
  }

  /**
   * Records the last problem of this table and when it happened.
   *
   * @param message What went wrong.
   * @param at When, in epoch milliseconds.
   */
  problem(message: string, at: number): void {
    this.#lastError = message;
    this.#lastErrorAt = at;
  }

  /** The last problem's message, if any. */
  get lastError(): string | undefined {
    return this.#lastError;
  }

  /**
   * The figures as `stats()` shows them.
   *
   * @param client The client's name.
   * @param table The table as `"database.table"`.
   * @param pending Rows held now.
   * @param heldElsewhere Of those, rows a source holds before they reach the
   * table (counter sums), counted as received too.
   * @returns The figures.
   */
  snapshot(client: string, table: string, pending: number, heldElsewhere = 0): TableStats {
    return {
      client,
      table,
      received: this.received + heldElsewhere,
      written: this.written,
      pending,
      retried: this.retried,
      dropped: { ...this.dropped },
      failedBatches: this.failedBatches,
      ...(this.#lastError === undefined ? {} : {
        lastError: this.#lastError,
        lastErrorAt: new Date(this.#lastErrorAt!).toISOString(),
      }),
    };
  }
}
