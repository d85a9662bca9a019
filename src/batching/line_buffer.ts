/**
 * A FIFO of encoded JSONEachRow lines with O(1) push, take and drop-oldest,
 * tracking its size in rows and UTF-16 code units (a close, cheap stand-in for
 * bytes: equal for ASCII, which JSON mostly is).
 *
 * Lines are packed: every 32K or so characters of pushed lines are joined into
 * one flat string with their end offsets, so the heap holds a few large
 * strings instead of one object (often a rope of many pieces) per row. That
 * keeps a buffered row close to its JSON size and old-generation GC work low.
 * `take` hands rows back as cuts of those strings (no copy, no string per row).
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
   * once `maxChars` is reached (at least one line is always taken). The batch
   * holds them as cuts of the packed strings: no string per line is made
   * unless {@linkcode RowBatch.lines} is called (a failed send).
   */
  take(maxRows: number, maxChars: number): RowBatch {
    this.#pack();
    const cuts: Cut[] = [];
    let rows = 0;
    let chars = 0;
    while (rows < maxRows && this.#head < this.#groups.length) {
      const group = this.#groups[this.#head]!;
      const ends = group.ends;
      const first = group.first;
      let i = first;
      let start = i === 0 ? 0 : ends[i - 1]!;
      const from = start;
      const stop = Math.min(ends.length, i + maxRows - rows);
      for (; i < stop; i++) {
        const end = ends[i]!;
        if (rows > 0 && chars + end - start > maxChars) break;
        chars += end - start;
        start = end;
        rows++;
      }
      group.first = i;
      cuts.push({ group, first, last: i, from, to: start });
      if (i < ends.length) break;
      this.#shiftGroup();
    }
    this.#rows -= rows;
    this.#chars -= chars;
    return new PackedBatch(cuts, rows, chars);
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

/** Rows on their way to the server: their count, size, text, and one by one when needed. */
export interface RowBatch {
  /** Rows in the batch. */
  readonly rows: number;
  /** Characters of their text. */
  readonly chars: number;
  /** Strings whose concatenation is the rows' JSONEachRow text, in order. */
  pieces(): readonly string[];
  /** The rows' lines, in order (cut on the first call, then kept). */
  lines(): string[];
}

/**
 * A batch of lines that already exist one by one (a retry, half of a batch).
 *
 * @param lines The lines.
 * @param chars Their total length, if known.
 * @returns The batch.
 */
export function batchOfLines(lines: string[], chars: number = charsOf(lines)): RowBatch {
  return { rows: lines.length, chars, pieces: () => lines, lines: () => lines };
}

/** Sums the lengths of `lines`. */
export function charsOf(lines: readonly string[]): number {
  let chars = 0;
  for (const line of lines) chars += line.length;
  return chars;
}

/** Lines `first` to `last` (exclusive) of a group: its text from `from` to `to`. */
interface Cut {
  group: Group;
  first: number;
  last: number;
  from: number;
  to: number;
}

class PackedBatch implements RowBatch {
  readonly rows: number;
  readonly chars: number;
  readonly #cuts: Cut[];
  #lines: string[] | undefined;

  constructor(cuts: Cut[], rows: number, chars: number) {
    this.#cuts = cuts;
    this.rows = rows;
    this.chars = chars;
  }

  pieces(): readonly string[] {
    return this.#cuts.map(({ group, from, to }) =>
      from === 0 && to === group.text.length ? group.text : group.text.slice(from, to)
    );
  }

  lines(): string[] {
    if (this.#lines === undefined) {
      const lines: string[] = [];
      for (const { group, first, last } of this.#cuts) {
        for (let i = first; i < last; i++) lines.push(group.line(i));
      }
      this.#lines = lines;
    }
    return this.#lines;
  }
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
