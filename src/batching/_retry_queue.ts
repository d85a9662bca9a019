/**
 * A batch that has been sent at least once: its rows and the
 * `insert_deduplication_token` it carries on every attempt.
 */
export interface SentBatch {
  /** The rows, as JSONEachRow lines; those before `start` were dropped. */
  lines: string[];
  /** Index of the first row still held. */
  start: number;
  /** Characters of the rows still held. */
  chars: number;
  /** The token this batch carries on every attempt. */
  token: string;
  /**
   * The entry number of the batch's first row (the table's count of rows
   * taken in before it); from `sendBatch`, its position within the batch first sent.
   */
  first?: number;
  /**
   * Not to be sent before this time (epoch milliseconds): the batch is held
   * for its shard, which is down.
   */
  notBefore?: number;
}

/**
 * Batches waiting to be sent again, oldest first. A batch keeps its rows and
 * its token together, so a retry after a lost response is the same insert and
 * a deduplicating table stores it once. Dropping its oldest rows keeps the
 * token: if an earlier attempt was stored, the retry is discarded as a
 * duplicate; if not, the remaining rows are stored under it.
 */
export class RetryQueue {
  #batches: SentBatch[] = [];
  #rows = 0;
  #chars = 0;

  /** Rows held. */
  get rows(): number {
    return this.#rows;
  }

  /** Characters held. */
  get chars(): number {
    return this.#chars;
  }

  /** The lowest entry number of a row held, or `Infinity` when empty. */
  get first(): number {
    let first = Infinity;
    for (const batch of this.#batches) first = Math.min(first, (batch.first ?? 0) + batch.start);
    return first;
  }

  /** The earliest time a batch held for its shard may go (epoch milliseconds), if one is held. */
  get heldUntil(): number | undefined {
    let until: number | undefined;
    for (const b of this.#batches) {
      if (b.notBefore !== undefined && (until === undefined || b.notBefore < until)) {
        until = b.notBefore;
      }
    }
    return until;
  }

  /** Puts batches back at the front, in order (oldest first). */
  unshift(batches: readonly SentBatch[]): void {
    for (const b of batches) {
      this.#rows += b.lines.length - b.start;
      this.#chars += b.chars;
    }
    this.#batches = [...batches, ...this.#batches];
  }

  /**
   * Removes and returns the oldest batch that may go at `now` (one held for
   * its shard waits until its `notBefore`).
   *
   * @param now The time, in epoch milliseconds.
   */
  shift(now: number = Infinity): SentBatch | undefined {
    const at = this.#batches.findIndex((b) => b.notBefore === undefined || b.notBefore <= now);
    const batch = at < 0 ? undefined : this.#batches.splice(at, 1)[0];
    if (batch !== undefined) {
      this.#rows -= batch.lines.length - batch.start;
      this.#chars -= batch.chars;
    }
    return batch;
  }

  /**
   * Drops the oldest rows until `rows` rows and `chars` characters are freed
   * or the queue is empty.
   *
   * @returns What was freed.
   */
  dropOldest(rows: number, chars: number): { rows: number; chars: number } {
    let freedRows = 0;
    let freedChars = 0;
    while ((freedRows < rows || freedChars < chars) && this.#batches.length > 0) {
      const batch = this.#batches[0]!;
      const line = batch.lines[batch.start]!;
      batch.lines[batch.start++] = "";
      batch.chars -= line.length;
      freedRows++;
      freedChars += line.length;
      if (batch.start === batch.lines.length) this.#batches.shift();
    }
    this.#rows -= freedRows;
    this.#chars -= freedChars;
    return { rows: freedRows, chars: freedChars };
  }

  /** Empties the queue. */
  clear(): void {
    this.#batches = [];
    this.#rows = 0;
    this.#chars = 0;
  }
}
