import type { TableWriter } from "../batching/table_writer.ts";
import type { ClientCore } from "../client/client_core.ts";
import { clientSlot } from "../client/registry.ts";
import { TuskError, TuskValidationError } from "../errors.ts";
import { onClose } from "../lifecycle.ts";
import type { TimerHandle } from "../runtime/clock.ts";
import { repeat } from "../runtime/repeat.ts";
import type { RowEncoder } from "../schema/row_encoder.ts";
import type { Table } from "../table.ts";
import { tableCreator } from "../tables/table_creator.ts";
import { type CountColumn, findCountColumn } from "./_count_column.ts";
import { resolveCounter } from "./_options.ts";
import type { CounterOptions } from "./counter_options.ts";
import { addSum, checkIncrement, isNegative, type Sum } from "./_sum.ts";
import { copyTags, tagKey, type Tags } from "./_tag_key.ts";

interface Entry {
  /** The caller's tags, copied; the count column is added when the row is written. */
  readonly tags: Record<string, unknown>;
  sum: Sum;
  /** Whether the tags were checked against the schema. */
  checked: boolean;
}

/**
 * Sums counts in memory per distinct tag set, and writes one row per tag set
 * every `countPeriod` seconds. Made by {@linkcode counter}.
 *
 * @example
 * ```ts
 * import { counter } from "@tusk/clickhouse/counter";
 * const quota = counter({ table: "download.quota_usage" });
 * quota.count({ resource_id: "ABC111", requester_ip: "1.2.3.4" });
 * await quota.flush();
 * ```
 */
export class Counter {
  /** The table written into. */
  readonly table: Table;
  readonly #core: ClientCore;
  readonly #writer: TableWriter;
  readonly #countColumn: string | undefined;
  readonly #periodMs: number;
  readonly #maxTagSets: number;
  #sums = new Map<string, Entry>();
  #column: CountColumn | TuskValidationError | undefined;
  #columnFor: RowEncoder | undefined;
  #timer: TimerHandle | undefined;
  #unregister: (() => void) | undefined;
  #loading = false;
  #overflowReported = false;

  /**
   * Use {@linkcode counter}.
   *
   * @param tableOrOptions `"db.table"`, `"table"`, a `Table`, or {@linkcode CounterOptions}.
   * @throws {TypeError} For a malformed table name or options.
   */
  constructor(tableOrOptions: string | Table | CounterOptions) {
    const options = resolveCounter(tableOrOptions);
    this.table = options.table;
    this.#countColumn = options.countColumn;
    this.#periodMs = options.periodMs;
    this.#maxTagSets = options.maxTagSets;
    this.#core = clientSlot(options.clientName);
    this.#writer = this.#core.writer(options.table, options.batching);
    if (options.createTable !== undefined) {
      this.#writer.prepareSchema(tableCreator({
        kind: "counters",
        table: options.table,
        tags: options.createTable.columns,
        countColumn: options.countColumn,
        bucket: options.createTable.bucket,
        ttlDays: options.createTable.ttlDays,
        cluster: options.createTable.cluster,
      }));
    }
    this.#writer.addSource(() => this.#emit());
    this.#writer.addPending(() => this.#sums.size);
    // Read the schema now, so that count() can check tags before the first
    // period ends without ever starting a request itself. Before init(), the
    // client reads it when configured (these sums count as pending rows).
    this.#loadSchema();
  }

  /**
   * Adds `increment` to the sum of this tag set: synchronous, never touches
   * the network. The key does not depend on the order of `tags`' keys; `tags`
   * is copied, never changed.
   *
   * @param tags Tag column values by column name; `undefined` values are left out.
   * @param increment A safe integer or a bigint; negative only for an `Int*` count column.
   * @default {1}
   * @throws {TypeError} When `tags` is not an object or `increment` not a number or bigint.
   * @throws {RangeError} When `increment` is a number but not a safe integer.
   * @throws {TuskValidationError} Once the schema is known: for a tag that is not a column,
   * a value its column cannot store, a tag naming the count column, a negative increment
   * for an unsigned count column, or a count column that cannot be found.
   */
  count(tags: Tags, increment: number | bigint = 1): void {
    const key = tagKey(tags);
    const by = checkIncrement(increment);
    const encoder = this.#writer.encoder;
    const column = encoder === undefined ? undefined : this.#columnOf(encoder);
    if (column !== undefined && !column.signed && isNegative(by)) {
      throw new TuskValidationError({
        table: this.#writer.name,
        column: column.name,
        value: String(by),
        reason: `cannot take a negative increment (${by}): the count column is unsigned`,
      });
    }
    const entry = this.#sums.get(key);
    if (entry === undefined) {
      this.#add(key, tags, by, encoder, column);
      return;
    }
    if (!entry.checked && column !== undefined) {
      this.#check(encoder!, column, entry.tags);
      entry.checked = true;
    }
    entry.sum = addSum(entry.sum, by);
  }

  /**
   * Resolves once the table's schema is known and its count column found.
   *
   * @throws {TuskError} When the table cannot be described.
   * @throws {TuskValidationError} When the count column cannot be found.
   */
  async ready(): Promise<void> {
    this.#columnOf(await this.#writer.schema());
  }

  /**
   * Ends the current period now: writes the pending sums and sends this
   * table's rows; resolves once ClickHouse acknowledged them.
   *
   * @throws {TuskError} When they could not be delivered (they stay buffered).
   */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  #add(
    key: string,
    tags: Tags,
    by: Sum,
    encoder: RowEncoder | undefined,
    column?: CountColumn,
  ): void {
    const copy = copyTags(tags);
    if (column !== undefined) this.#check(encoder!, column, copy);
    if (this.#sums.size >= this.#maxTagSets) {
      this.#overflow();
      return;
    }
    this.#sums.set(key, { tags: copy, sum: by, checked: column !== undefined });
    this.#timer ??= this.#startTimer();
  }

  // Unknown keys and bad values throw here, as they would from `write`.
  #check(encoder: RowEncoder, column: CountColumn, tags: Record<string, unknown>): void {
    if (Object.hasOwn(tags, column.name)) {
      throw new TuskValidationError({
        table: encoder.table,
        column: column.name,
        reason: "is the count column; it cannot also be a tag",
      });
    }
    encoder.encode(tags, this.#core.clock.now());
  }

  #columnOf(encoder: RowEncoder): CountColumn {
    if (encoder !== this.#columnFor) {
      try {
        this.#column = findCountColumn(encoder, this.#countColumn);
      } catch (error) {
        if (!(error instanceof TuskValidationError)) throw error;
        this.#column = error;
      }
      this.#columnFor = encoder;
    }
    if (this.#column instanceof TuskValidationError) throw this.#column;
    return this.#column!;
  }

  #overflow(): void {
    this.#writer.countDropped("counter_overflow", 1);
    if (this.#overflowReported) return;
    this.#overflowReported = true;
    this.#core.report(
      new TuskError(
        `Cannot count in "${this.#writer.name}": ${this.#maxTagSets} distinct tag sets are ` +
          `waiting for this period; counts of new tag sets are dropped until it ends`,
      ),
    );
  }

  #startTimer(): TimerHandle {
    this.#unregister ??= onClose(() => {
      this.#timer?.cancel();
      this.#timer = undefined;
      this.#unregister = undefined;
    });
    return repeat(this.#core.clock, this.#periodMs, () => this.#tick(), {
      onError: (error) => this.#core.report(error instanceof Error ? error : new Error(`${error}`)),
    });
  }

  // The period ends. Until the schema is known the sums cannot become rows
  // (the count column is not known yet): the period stays open, bounded as usual.
  #tick(): void {
    if (this.#sums.size === 0) {
      this.#timer?.cancel(); // idle: the next new tag set starts the timer again
      this.#timer = undefined;
      return;
    }
    const encoder = this.#writer.encoder;
    if (encoder === undefined) this.#loadSchema();
    else this.#drain(encoder, this.#core.clock.now());
  }

  // At the start of every flush of the table. The rows are written after the
  // flush's first await, when it owns the table's flush gate: written earlier,
  // a full batch would start a second flush beside this one.
  #emit(): Promise<void> | undefined {
    if (this.#sums.size === 0) return undefined;
    const time = this.#core.clock.now();
    return this.#writer.schema().then((encoder) => this.#drain(encoder, time));
  }

  #loadSchema(): void {
    if (this.#loading || !this.#core.configured) return;
    this.#loading = true;
    this.#writer.schema()
      .catch((error) => this.#core.report(error))
      .finally(() => (this.#loading = false));
  }

  // Every sum becomes a row with the time `time`; a bad tag set is dropped,
  // counted and reported without holding back the others.
  #drain(encoder: RowEncoder, time: number): void {
    const sums = this.#sums;
    if (sums.size === 0) return;
    this.#sums = new Map();
    this.#overflowReported = false;
    let column: CountColumn;
    try {
      column = this.#columnOf(encoder);
    } catch (error) {
      this.#writer.countDropped("invalid", sums.size);
      this.#core.report(error as Error);
      return;
    }
    for (const { tags, sum, checked } of sums.values()) {
      try {
        if (!checked && Object.hasOwn(tags, column.name)) this.#check(encoder, column, tags);
        tags[column.name] = sum;
        this.#writer.write(tags, time);
      } catch (error) {
        if (!(error instanceof TuskValidationError)) throw error;
        this.#writer.countDropped("invalid", 1);
        this.#core.report(error);
      }
    }
  }
}

/**
 * Returns a summing counter: counts are summed in memory per distinct tag set
 * and written as one row per tag set per `countPeriod`, with the sum in the
 * count column and the time column filled with the period's end.
 *
 * @param tableOrOptions `"db.table"`, `"table"`, a `Table`, or {@linkcode CounterOptions}.
 * @returns The counter.
 * @throws {TypeError} For a malformed table name or options.
 *
 * @example The original README's quota counter
 * ```ts
 * import * as tusk from "@tusk/clickhouse";
 * import { counter } from "@tusk/clickhouse/counter";
 * tusk.init({ host: "localhost", user: "tester", password: "P@assw0rd" });
 * const quota = counter({ table: "download.quota_usage" });
 * quota.count({ resource_id: "ABC111", requester_ip: "1.2.3.4" });
 * quota.count({ resource_id: "ABC111", requester_ip: "1.2.3.4" }, 4); // 1 + 4 = 5
 * await tusk.flush();
 * ```
 */
export function counter(tableOrOptions: string | Table | CounterOptions): Counter {
  return new Counter(tableOrOptions);
}
