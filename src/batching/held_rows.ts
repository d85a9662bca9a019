/** A row written before its table's schema was known, with the time of the write. */
export interface HeldRow {
  /** A copy of the row as written. */
  row: Record<string, unknown>;
  /** The write's time, in epoch milliseconds. */
  time: number;
}

/**
 * Rows waiting for their table's schema, oldest first: pushing and dropping
 * the oldest cost O(1) each, however many rows wait (a loop of a million
 * writes before the schema arrives stays linear).
 */
export class HeldRows {
  #rows: (HeldRow | undefined)[] = [];
  #head = 0;

  /** Rows held. */
  get size(): number {
    return this.#rows.length - this.#head;
  }

  /** Appends a row at the back. */
  push(row: HeldRow): void {
    this.#rows.push(row);
  }

  /**
   * Drops up to `count` of the oldest rows.
   *
   * @returns How many were dropped.
   */
  dropOldest(count: number): number {
    const dropped = Math.min(count, this.size);
    for (let i = 0; i < dropped; i++) this.#rows[this.#head++] = undefined;
    // Compact once the dead front is most of the array: amortized O(1) per row.
    if (this.#head === this.#rows.length) this.clear();
    else if (this.#head > 1024 && this.#head * 2 > this.#rows.length) {
      this.#rows = this.#rows.slice(this.#head);
      this.#head = 0;
    }
    return dropped;
  }

  /** Removes and returns every row, oldest first. */
  takeAll(): HeldRow[] {
    const rows = (this.#head === 0 ? this.#rows : this.#rows.slice(this.#head)) as HeldRow[];
    this.clear();
    return rows;
  }

  /** Empties the queue. */
  clear(): void {
    this.#rows = [];
    this.#head = 0;
  }
}
