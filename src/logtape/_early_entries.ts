import type { TableWriter } from "../batching/table_writer.ts";
import type { RowEncoder } from "../schema/row_encoder.ts";
import type { LogRecord } from "../logging/log_sink.ts";

/** Records kept per sink while the schema is unknown; past it the oldest are dropped. */
export const MAX_EARLY = 10_000;

// Per writer, the sinks holding early records: the writer gets one source
// (run at the start of each of its flushes) and one pending count, however
// many sinks come and go on that table (LogTape may be configured again and
// again); a sink is listed only while it holds records.
const holding = new WeakMap<TableWriter, Set<EarlyEntries>>();

/**
 * Records that came before the table's schema was known (a row's shape
 * depends on it), in arrival order. They count as the writer's pending rows,
 * and every flush of the writer first reads the schema and writes them, so
 * `flush()`, `tusk.close()` and the exit hook deliver them like any row.
 */
export class EarlyEntries {
  readonly #writer: TableWriter;
  readonly #release: (encoder: RowEncoder) => void;
  #entries: LogRecord[] = [];
  /** Index of the oldest record kept: dropping the oldest is O(1), as in `HeldRows`. */
  #head = 0;
  #settling: Promise<void> | undefined;

  /**
   * @param writer The table's writer.
   * @param release Writes the entries (`take()`) once the schema is known.
   */
  constructor(writer: TableWriter, release: (encoder: RowEncoder) => void) {
    this.#writer = writer;
    this.#release = release;
  }

  /** How many records wait. */
  get size(): number {
    return this.#entries.length - this.#head;
  }

  /**
   * Keeps one record; when {@linkcode MAX_EARLY} wait already, the oldest is
   * dropped and counted in `stats()` as `buffer_full`.
   *
   * @param entry The record.
   */
  push(entry: LogRecord): void {
    if (this.size >= MAX_EARLY) {
      this.#head++;
      this.#writer.countDropped("buffer_full", 1);
      if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
        this.#entries = this.#entries.slice(this.#head);
        this.#head = 0;
      }
    }
    this.#entries.push(entry);
    if (this.size === 1) enlist(this.#writer, this);
  }

  /**
   * Hands over every waiting record and forgets them.
   *
   * @returns The records, oldest first.
   */
  take(): LogRecord[] {
    const entries = this.#head === 0 ? this.#entries : this.#entries.slice(this.#head);
    this.#entries = [];
    this.#head = 0;
    holding.get(this.#writer)?.delete(this);
    return entries;
  }

  /**
   * Reads the schema in the background (one read at a time) and releases the
   * records once it is known.
   *
   * @throws {TuskError} When the schema cannot be read; the records keep waiting.
   */
  settle(): Promise<void> {
    this.#settling ??= this.load().finally(() => (this.#settling = undefined));
    return this.#settling;
  }

  /**
   * Reads the schema (not sharing a read under way, as a flush in a Worker
   * must not) and releases the records.
   *
   * @throws {TuskError} When the schema cannot be read; the records keep waiting.
   */
  async load(): Promise<void> {
    if (this.size === 0) return;
    this.#release(await this.#writer.schema());
  }
}

function enlist(writer: TableWriter, early: EarlyEntries): void {
  let sinks = holding.get(writer);
  if (sinks === undefined) {
    const set = sinks = new Set();
    holding.set(writer, set);
    writer.addSource(() => set.size === 0 ? undefined : loadAll(set));
    writer.addPending(() => {
      let rows = 0;
      for (const sink of set) rows += sink.size;
      return rows;
    });
  }
  sinks.add(early);
}

async function loadAll(sinks: Set<EarlyEntries>): Promise<void> {
  await Promise.all([...sinks].map((sink) => sink.load()));
}
