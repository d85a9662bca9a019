/**
 * Heartbeats: an app's `main` beat every `heartbeatPeriod` seconds, and one
 * beat per cycle of each recurring task, so a query can tell which apps and
 * tasks stopped. Each row holds `app`, `task`, the time, a per-task
 * `sequence` from 0 (gaps show lost beats) and `expiry` (the beat's time +
 * period + `timeout` + the heartbeat table's batching period).
 *
 * @example The original README's heartbeat
 * ```ts
 * import * as tusk from "@tusk/clickhouse";
 * import * as heartbeat from "@tusk/clickhouse/heartbeat";
 *
 * tusk.init({ host: "localhost", user: "tester", password: "P@assw0rd" });
 * heartbeat.init({ table: "maintenance.heartbeats", appName: "my_app" });
 * heartbeat.beat({ task: "scan_disk", heartbeatPeriod: 60 });
 * ```
 *
 * @module
 */

export {
  type HeartbeatColumnNames,
  type HeartbeatHandle,
  type HeartbeatInitOptions,
  init,
} from "./init.ts";
export { beat, type BeatOptions } from "./beat.ts";
export type { BatchingOptions } from "../client/options.ts";
export type { Table } from "../table.ts";
export type { CreateTableOption, TableCreation } from "../tables/create_table_option.ts";
