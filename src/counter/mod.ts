/**
 * Summing counters: counts summed in memory per distinct tag set and written
 * into ClickHouse as one row per tag set every `countPeriod` seconds, ready
 * for a `SummingMergeTree` table.
 *
 * @example The original README's quota counter
 * ```ts
 * import * as tusk from "@tusk/clickhouse";
 * import { counter } from "@tusk/clickhouse/counter";
 *
 * tusk.init({ host: "localhost", user: "tester", password: "P@assw0rd" });
 * const quota = counter({ table: "download.quota_usage" });
 * quota.count({ resource_id: "ABC111", requester_ip: "1.2.3.4" }); // default count is 1
 * quota.count({ resource_id: "ABC122", requester_ip: "2.2.2.4" }, 3);
 * quota.count({ resource_id: "ABC111", requester_ip: "1.2.3.4" }, 4); // the new count is 1 + 4 = 5
 * await tusk.flush();
 * ```
 *
 * @module
 */

export { Counter, counter } from "./counter.ts";
export type { CounterOptions, CounterTableOptions } from "./counter_options.ts";
export type { Tags } from "./_tag_key.ts";
export type { BatchingOptions } from "../client/options.ts";
export type { Table } from "../table.ts";
