/**
 * A FIFO of encoded JSONEachRow lines with O(1) push, take and drop-oldest,
 * tracking its size in rows and UTF-16 code units (a close, cheap stand-in for
 * bytes: equal for ASCII, which JSON mostly is).
 *
 * Lines are packed: every 32K or so characters of pushed lines are joined into
 * one flat string with their end offsets, so the heap holds a few large
 * strings instead of one object (often a rope of many pieces) per row. That
 * keeps a buffered row close to its JSON size and old-generation GC work low.
 * `take` hands lines back as slices of those strings (no copy).
 */
export class LineBuffer {
  /** Packed groups, oldest first; `#head` is the first live one. */
  #groups: Group[] = [];
  #head = 0;
  /** Lines pushed since the last pack. */
  #recent: string[] = [];
  #recentFirst = 0;
  #recentChars = 0;
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

  /** Appends a line at the back. */
  push(line: string): void {
    this.#recent.push(line);
    this.#rows++;
    this.#chars += line.length;
    if ((this.#recentChars += line.length) >= GROUP_CHARS) this.#pack();
  }

  /** Removes and returns the oldest line, if any. */
  dropOldest(): string | undefined {
    if (this.#rows === 0) return undefined;
    let line: string;
    const group = this.#groups[this.#head];
    if (group !== undefined) {
      line = group.line(group.first++);
      if (group.first === group.ends.length) this.#shiftGroup();
    } else {
      line = this.#recent[this.#recentFirst]!;
      this.#recent[this.#recentFirst++] = "";
      this.#recentChars -= line.length;
      if (this.#recentFirst === this.#recent.length) this.#recent = [];
    }
    if (this.#recent.length === 0) this.#recentFirst = 0;
    this.#rows--;
    this.#chars -= line.length;
    return line;
  }

  /**
   * Removes and returns up to `maxRows` of the oldest lines, stopping early
   * once `maxChars` is reached (at least one line is always taken).
   */
  take(maxRows: number, maxChars: number): string[] {
    this.#pack();
    const batch: string[] = [];
    const parts: string[] = [];
    let chars = 0;
    while (batch.length < maxRows && this.#head < this.#groups.length) {
      const group = this.#groups[this.#head]!;
      const ends = group.ends;
      const text = group.text;
      let i = group.first;
      let start = i === 0 ? 0 : ends[i - 1]!;
      const from = start;
      const stop = Math.min(ends.length, i + maxRows - batch.length);
      for (; i < stop; i++) {
        const end = ends[i]!;
        if (batch.length > 0 && chars + end - start > maxChars) break;
        batch.push(text.slice(start, end));
        chars += end - start;
        start = end;
      }
      group.first = i;
      parts.push(from === 0 && i === ends.length ? text : text.slice(from, start));
      if (i < ends.length) break;
      this.#shiftGroup();
    }
    this.#rows -= batch.length;
    this.#chars -= chars;
    if (parts.length < batch.length) bodies.set(batch, { parts, rows: batch.length, chars });
    return batch;
  }

  /** Empties the buffer. */
  clear(): void {
    this.#groups = [];
    this.#head = 0;
    this.#recent = [];
    this.#recentFirst = 0;
    this.#recentChars = 0;
    this.#rows = 0;
    this.#chars = 0;
  }

  #pack(): void {
    const recent = this.#recentFirst === 0 ? this.#recent : this.#recent.slice(this.#recentFirst);
    if (recent.length === 0) return;
    this.#groups.push(Group.of(recent));
    this.#recent = [];
    this.#recentFirst = 0;
    this.#recentChars = 0;
  }

  #shiftGroup(): void {
    this.#groups[this.#head++] = EMPTY;
    if (this.#head === this.#groups.length) {
      this.#groups = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#groups.length) {
      this.#groups = this.#groups.slice(this.#head);
      this.#head = 0;
    }
  }
}

// The packed text of each batch `take` returned, so that a body is built from a
// few large strings instead of every line.
// A batch changed since (a row blanked out, one added) no longer matches its
// row count and length, and is joined line by line.
const bodies = new WeakMap<readonly string[], { parts: string[]; rows: number; chars: number }>();

/**
 * The pieces of a request body: strings whose concatenation is
 * `lines.join("")`. For an unmodified batch from {@linkcode LineBuffer.take}
 * these are the few large packed strings it was cut from, so the body is
 * built from them without touching each line; otherwise the lines themselves.
 *
 * @param lines The lines.
 * @returns Pieces to concatenate, in order.
 */
export function bodyPieces(lines: readonly string[]): readonly string[] {
  const packed = bodies.get(lines);
  if (packed !== undefined && packed.rows === lines.length) {
    let chars = 0;
    for (let i = 0; i < lines.length; i++) chars += lines[i]!.length;
    if (chars === packed.chars) return packed.parts;
  }
  return lines;
}

/**
 * Characters packed per group: large enough to amortize the join, small enough
 * that a group is cheap to copy while young (16K to 64K measured alike).
 */
const GROUP_CHARS = 32_768;

/** Lines joined into one flat string, with each line's end offset. */
class Group {
  readonly text: string;
  readonly ends: Uint32Array;
  /** Index of the first line still held. */
  first = 0;

  constructor(text: string, ends: Uint32Array) {
    this.text = text;
    this.ends = ends;
  }

  static of(lines: readonly string[]): Group {
    const ends = new Uint32Array(lines.length);
    let end = 0;
    for (let i = 0; i < lines.length; i++) ends[i] = end += lines[i]!.length;
    return new Group(lines.join(""), ends);
  }

  line(i: number): string {
    return this.text.slice(i === 0 ? 0 : this.ends[i - 1]!, this.ends[i]!);
  }
}

const EMPTY = new Group("", new Uint32Array(0));
