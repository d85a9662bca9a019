import * as v from "valibot";
import { host, httpUrl, nonEmpty, port, positiveInt, seconds } from "../validation/schema_parts.ts";

const name = nonEmpty;
const count = positiveInt;

const Batching = v.strictObject({
  period: v.optional(seconds),
  max_rows: v.optional(count),
  max_bytes: v.optional(count),
  max_buffered_rows: v.optional(count),
});

// `create_table: true`, or `{ cluster, ttl_days }` (`{}` is `true`).
const CreateTable = v.union([
  v.boolean(),
  v.strictObject({
    cluster: v.optional(name),
    ttl_days: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
  }),
]);

const TableKeys = {
  database: v.optional(name),
  table: name,
  batching: v.optional(Batching),
  create_table: v.optional(CreateTable),
};

const Heartbeat = v.strictObject({
  ...TableKeys,
  period: v.optional(v.pipe(seconds, v.minValue(0.001))),
  timeout: v.optional(seconds),
  columns: v.optional(v.strictObject({
    app: v.optional(name),
    task: v.optional(name),
    sequence: v.optional(v.nullable(name)),
    expiry: v.optional(v.nullable(name)),
  })),
});

const Logging = v.strictObject({
  ...TableKeys,
  level: v.optional(v.picklist(["critical", "error", "warning", "warn", "info", "debug"])),
  layout: v.optional(v.picklist(["tusk", "otel"])),
  console: v.optional(v.boolean()),
  columns: v.optional(v.record(v.string(), v.nullable(name))),
});

/** The schema of a Tusk configuration (YAML or object), snake_case as in the original. */
export const ConfigSchema = v.strictObject({
  app: v.optional(name),
  url: v.optional(v.union([httpUrl, v.pipe(v.array(httpUrl), v.minLength(1))])),
  shards: v.optional(v.pipe(v.array(v.pipe(v.array(httpUrl), v.minLength(1))), v.minLength(1))),
  load_balancing: v.optional(v.picklist(["round_robin", "in_order", "random"])),
  host: v.optional(host),
  port: v.optional(port),
  secure: v.optional(v.boolean()),
  user: v.optional(v.string()),
  password: v.optional(v.string()),
  database: v.optional(name),
  client_name: v.optional(name),
  request_timeout: v.optional(v.pipe(seconds, v.minValue(0.001))),
  close_timeout: v.optional(seconds),
  async_insert: v.optional(v.boolean()),
  compression: v.optional(v.picklist(["none", "gzip"])),
  clickhouse_settings: v.optional(
    v.record(v.string(), v.union([v.string(), v.number(), v.boolean()])),
  ),
  batching: v.optional(Batching),
  heartbeat: v.optional(Heartbeat),
  logging: v.optional(Logging),
});

/** A validated configuration. */
export type TuskConfig = v.InferOutput<typeof ConfigSchema>;

/** `create_table` as a configuration spells it. */
export type ConfigCreateTable = v.InferOutput<typeof CreateTable>;

/** Batching as a configuration spells it. */
export type ConfigBatching = v.InferOutput<typeof Batching>;
