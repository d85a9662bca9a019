import type { TableStats } from "../batching/table_stats.ts";

/**
 * A named connection to ClickHouse, as `init()` returns it.
 *
 * @example
 * ```ts
 * import * as tusk from "@tusk/clickhouse";
 * const client = tusk.init({ url: "http://localhost:8123", clientName: "audit" });
 * console.log(client.name, client.url);
 * await client.flush();
 * ```
 */
export interface TuskClient {
  /** The client's name (`clientName`). */
  readonly name: string;
  /** The base URL, never with credentials. */
  readonly url: string | undefined;
  /** The database for tables named without one. */
  readonly database: string;
  /**
   * Sends every row buffered for this client; resolves once ClickHouse acknowledged them.
   *
   * @throws {Error} Why some rows could not be delivered (they stay buffered and are retried).
   */
  flush(): Promise<void>;
  /** Flushes (bounded by `closeTimeout`), stops this client's timers and releases it. */
  close(): Promise<void>;
  /** Delivery figures of each table of this client. */
  stats(): TableStats[];
}
