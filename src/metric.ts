import type { TableWriter } from "./batching/table_writer.ts";
import { clientSlot } from "./client/registry.ts";
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

  /**
   * Use {@linkcode metric}.
   *
   * @param table The table.
   * @param writer The table's writer.
   */
  constructor(table: Table, writer: TableWriter) {
    this.table = table;
    this.#writer = writer;
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
   * Resolves once the table's schema is known (after `init()`).
   *
   * @throws {TuskError} When the table cannot be described (missing, no access).
   */
  async ready(): Promise<void> {
    await this.#writer.schema();
  }

  /**
   * Sends this table's buffered rows; resolves once ClickHouse acknowledged them.
   *
   * @throws {TuskError} When they could not be delivered (they stay buffered).
   */
  flush(): Promise<void> {
    return this.#writer.flush();
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
  const writer = clientSlot(options.clientName ?? "default").writer(table, batching);
  return new Metric(table, writer);
}
