import { TuskError } from "../errors.ts";
import type { BufferBudget } from "./buffer_budget.ts";
import type { TableCounts } from "./table_counts.ts";

/**
 * The reports of rows a full buffer made a table drop. A burst of writes
 * drops row after row in one synchronous stretch: the report goes a
 * microtask later, once that stretch ends, so it gives the burst's real
 * count; the reporter then rate-limits it per table.
 */
export class DropReports {
  readonly #name: () => string;
  readonly #budget: BufferBudget;
  readonly #counts: TableCounts;
  readonly #report: (make: () => Error, key: string) => void;
  #queued = false;

  /**
   * @param name The table's name.
   * @param budget The client's budget, for its figures.
   * @param counts The table's counts, for the running total.
   * @param report Reports an error made only when delivered, rate-limited per key.
   */
  constructor(
    name: () => string,
    budget: BufferBudget,
    counts: TableCounts,
    report: (make: () => Error, key: string) => void,
  ) {
    this.#name = name;
    this.#budget = budget;
    this.#counts = counts;
    this.#report = report;
  }

  /**
   * Rows were dropped to stay within a cap.
   *
   * @param which `"oldest"` or `"newest"` (the row being written).
   * @param tableCap The table's own `maxBufferedRows`, when that was the cap reached.
   */
  dropped(which: "oldest" | "newest", tableCap?: number): void {
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.#send(which, tableCap);
    });
  }

  #send(which: "oldest" | "newest", tableCap: number | undefined): void {
    const name = this.#name();
    const budget = this.#budget;
    const counts = this.#counts;
    this.#report(() => {
      const cap = tableCap !== undefined
        ? `${tableCap} rows are waiting (batching.maxBufferedRows)`
        : `the client holds ${budget.rows} rows (${budget.limits.maxRows} at most) and ` +
          `${budget.chars} bytes (${budget.limits.maxChars})`;
      return new TuskError(
        `Cannot buffer rows for "${name}": ${cap}; dropped the ${which}; ` +
          `${counts.dropped.buffer_full} dropped so far`,
      );
    }, `${tableCap !== undefined ? "full" : "budget"}:${name}`);
  }
}
