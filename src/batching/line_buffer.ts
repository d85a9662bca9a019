/**
 * A FIFO of encoded JSONEachRow lines with O(1) push, take and drop-oldest,
 * tracking its size in rows and UTF-16 code units (a close, cheap stand-in for
 * bytes: equal for ASCII, which JSON mostly is).
 */
export class LineBuffer {
  #lines: string[] = [];
  #head = 0;
  #chars = 0;

  /** Rows held. */
  get rows(): number {
    return this.#lines.length - this.#head;
  }

  /** Characters held. */
  get chars(): number {
    return this.#chars;
  }

  /** Appends a line at the back. */
  push(line: string): void {
    this.#lines.push(line);
    this.#chars += line.length;
  }

  /** Removes and returns the oldest line, if any. */
  dropOldest(): string | undefined {
    if (this.#head >= this.#lines.length) return undefined;
    const line = this.#lines[this.#head]!;
    this.#lines[this.#head++] = "";
    this.#chars -= line.length;
    this.#compact();
    return line;
  }

  /**
   * Removes and returns up to `maxRows` of the oldest lines, stopping early
   * once `maxChars` is reached (at least one line is always taken).
   */
  take(maxRows: number, maxChars: number): string[] {
    const end = Math.min(this.#lines.length, this.#head + maxRows);
    let stop = this.#head;
    let chars = 0;
    while (stop < end && (stop === this.#head || chars + this.#lines[stop]!.length <= maxChars)) {
      chars += this.#lines[stop]!.length;
      stop++;
    }
    const batch = this.#lines.slice(this.#head, stop);
    this.#head = stop;
    this.#chars -= chars;
    this.#compact();
    return batch;
  }

  /** Puts lines back at the front, oldest first, as they were before `take`. */
  unshift(lines: readonly string[]): void {
    this.#lines = [...lines, ...this.#lines.slice(this.#head)];
    this.#head = 0;
    for (const line of lines) this.#chars += line.length;
  }

  #compact(): void {
    if (this.#head === this.#lines.length) {
      this.#lines = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#lines.length) {
      this.#lines = this.#lines.slice(this.#head);
      this.#head = 0;
    }
  }
}
