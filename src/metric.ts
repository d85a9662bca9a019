import { writableOf, writeAll } from "./batching/bulk_write.ts";
import type { TableWriter } from "./batching/table_writer.ts";
import { clientSlot } from "./client/registry.ts";
import { TuskFlushError } from "./errors.ts";
import { type BatchingOptions, parseBatching } from "./client/options.ts";
import { Table } from "./table.ts";

/** Options of {@linkcode metric}. */
export interface MetricOptions {
  /** The table: a `Table`, or `"db.table"` / `"table"`. */
  table: Table | string;
  /**
   * The client to write through.
   * @default {"default"}
   */
  clientName?: string;
  /** Batching for this table (the first metric of a table sets it). */
  batching?: BatchingOptions;
}

/**
 * Writes rows into one table. Made by {@linkcode metric}.
 *
 * @example
 * ```ts
 * import * as tusk from "@tusk/clickhouse";
 * const cpu = tusk.metric("system.cpu");
 * cpu.write({ region: "Tokyo", instance_id: "ABC", usage: 0.43 });
 * await cpu.flush();
 * ```
 */
export class Metric {
  /** The table written into. */
  readonly table: Table;
  readonly #writer: TableWriter;
  readonly #client: string;

  /**
   * Use {@linkcode metric}.
   *
   * @param table The table.
   * @param writer The table's writer.
   * @param client The client's name.
   */
  constructor(table: Table, writer: TableWriter, client = "default") {
    this.table = table;
    this.#writer = writer;
    this.#client = client;
  }

  /**
   * Buffers one row: synchronous, never waits for the network. The time
   * column gets the write's time unless the row gives one.
   *
   * @param row Column values by column name; `undefined` values are left out.
   * @throws {TuskValidationError} Once the schema is known: for a key that is
   * not a column, or a value its column cannot store.
   */
  write(row: Readonly<Record<string, unknown>>): void {
    this.#writer.write(row);
  }

  /**
   * Writes every row, never dropping one: while the client's buffer is full
   * it waits for inserts to make room, and batches go out meanwhile. Use it
   * for bulk loads; `write` stays synchronous and drops the oldest rows when
   * the buffer is full.
   *
   * @param rows The rows, an `Iterable` or `AsyncIterable`.
   * @returns Resolves once every row is buffered or sent (then `flush()` to
   * wait for ClickHouse's acknowledgement).
   * @throws {TuskValidationError} For the first row the table cannot hold,
   * after the rows before it were taken; the message says which row.
   * @throws {TuskError} When the table's schema cannot be read.
   *
   * @example
   * ```ts
   * import * as tusk from "@tusk/clickhouse";
   * const cpu = tusk.metric("system.cpu");
   * function* rows() {
   *   for (let i = 0; i < 1_000_000; i++) yield { region: "Tokyo", instance_id: `i-${i}`, usage: 0.5 };
   * }
   * await cpu.writeAll(rows());
   * await tusk.flush();
   * ```
   */
  writeAll(
    rows:
      | Iterable<Readonly<Record<string, unknown>>>
      | AsyncIterable<Readonly<Record<string, unknown>>>,
  ): Promise<void> {
    return writeAll(this.#writer, rows);
  }

  /**
   * A `WritableStream` of rows into this table, with backpressure (a write
   * waits while the buffer is full); closing the stream flushes this metric.
   *
   * @returns The stream.
   *
   * @example
   * ```ts
   * import * as tusk from "@tusk/clickhouse";
   * const cpu = tusk.metric("system.cpu");
   * const rows = ReadableStream.from([{ region: "Tokyo", instance_id: "ABC", usage: 0.43 }]);
   * await rows.pipeTo(cpu.writable());
   * ```
   */
  writable(): WritableStream<Readonly<Record<string, unknown>>> {
    return writableOf(this.#writer);
  }

  /**
   * Resolves once the table's schema is known (after `init()`).
   *
   * @throws {TuskError} When the table cannot be described (missing, no access).
   */
  async ready(): Promise<void> {
    await this.#writer.schema();
  }

  /**
   * Sends this table's buffered rows; resolves once ClickHouse acknowledged
   * them, retrying failures that may pass within the client's `flushTimeout`.
   *
   * @throws {TuskFlushError} Saying how many rows are still held and why
   * (its `cause` is the last failure); they stay buffered and are retried.
   */
  async flush(): Promise<void> {
    const writer = this.#writer;
    try {
      await writer.flush();
    } catch (error) {
      const problem = error instanceof Error ? error : new Error(String(error));
      throw new TuskFlushError(
        this.#client,
        [{ table: writer.name, rows: writer.pending, error: problem }],
        clientSlot(this.#client).configured,
      );
    }
  }
}

/**
 * Returns a writer of rows into a table.
 *
 * @param tableOrOptions `"db.table"`, `"table"`, a {@linkcode Table}, or {@linkcode MetricOptions}.
 * @returns The metric.
 * @throws {TypeError} For a malformed table name or options.
 *
 * @example The original's CPU metric
 * ```ts
 * import * as tusk from "@tusk/clickhouse";
 * tusk.init({ host: "localhost", user: "tester", password: "P@assw0rd" });
 * const cpuUsage = tusk.metric({ table: "system.cpu" });
 * cpuUsage.write({ region: "Tokyo", instance_id: "ABC", usage: 0.43 });
 * await tusk.flush();
 * ```
 */
export function metric(tableOrOptions: string | Table | MetricOptions): Metric {
  const options: MetricOptions =
    typeof tableOrOptions === "string" || tableOrOptions instanceof Table
      ? { table: tableOrOptions }
      : tableOrOptions;
  if (typeof options !== "object" || options === null || options.table === undefined) {
    throw new TypeError(`Cannot create a metric: expected a table name, a Table or { table }`);
  }
  const table = typeof options.table === "string" ? Table.fromString(options.table) : options.table;
  if (!(table instanceof Table)) {
    throw new TypeError(`Cannot create a metric: "table" must be a string or a Table`);
  }
  const batching = options.batching === undefined
    ? undefined
    : parseBatching(options.batching, `metric "${table}": option "batching"`);
  const client = options.clientName ?? "default";
  return new Metric(table, clientSlot(client).writer(table, batching), client);
}
