/**
 * Tusk writes application telemetry into ClickHouse over its HTTP interface,
 * from Deno, Bun, Node and Cloudflare Workers: metric rows, summing counters,
 * heartbeats and logs, batched, validated against the table's schema, and
 * delivered without losing rows.
 *
 * @example Writing the original README's CPU metric
 * ```ts
 * import * as tusk from "@tusk/clickhouse";
 *
 * tusk.init({ host: "localhost", user: "tester", password: "P@assw0rd" });
 * const cpuUsage = tusk.metric({ table: "system.cpu" });
 * cpuUsage.write({ region: "Tokyo", instance_id: "ABC", usage: 0.43 });
 * cpuUsage.write({ region: "Seoul", instance_id: "XYZ", usage: 0.22 });
 * await tusk.flush();
 * ```
 *
 * @module
 */

export { init } from "./src/init.ts";
export { getClient, setAppName } from "./src/client/registry.ts";
export type { TuskClient } from "./src/client/tusk_client.ts";
export type { BatchingOptions, BufferOptions, InitOptions } from "./src/client/options.ts";
export { Metric, metric, type MetricOptions } from "./src/metric.ts";
export { Table, type TableOptions } from "./src/table.ts";
export { close, flush, stats } from "./src/lifecycle.ts";
export type { TableStats } from "./src/batching/table_stats.ts";
export type { EndpointState, EndpointStats } from "./src/transport/endpoint.ts";
export {
  type ClickHouseErrorKind,
  TuskClickHouseError,
  type TuskClickHouseErrorDetails,
  TuskError,
  TuskFlushError,
  type TuskValidationDetails,
  TuskValidationError,
  type UndeliveredTable,
} from "./src/errors.ts";
export { TuskConfigError } from "./src/config/config_error.ts";
export type { ConfigProblem } from "./src/validation/format_issues.ts";
export { type Clock, systemClock, type TimerHandle } from "./src/runtime/clock.ts";
export { FakeClock } from "./src/runtime/fake_clock.ts";
