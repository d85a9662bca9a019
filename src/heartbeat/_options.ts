// Validation of heartbeat.init() and heartbeat.beat() options, with valibot.
import * as v from "valibot";
import {
  CreateTableSchema,
  type TableCreation,
  tableCreation,
} from "../tables/create_table_option.ts";
import { type BatchingOptions, parseBatching } from "../client/options.ts";
import { formatIssues } from "../validation/format_issues.ts";
import { nonEmpty, seconds } from "../validation/schema_parts.ts";
import { Table } from "../table.ts";

const name = nonEmpty;
const period = v.pipe(v.number(), v.finite(), v.gtValue(0));

const ColumnsSchema = v.strictObject({
  app: v.optional(name),
  task: v.optional(name),
  sequence: v.optional(v.nullable(name)),
  expiry: v.optional(v.nullable(name)),
});

const InitSchema = v.strictObject({
  table: v.union([name, v.instance(Table)]),
  appName: v.optional(name),
  heartbeatPeriod: v.optional(period),
  timeout: v.optional(seconds),
  clientName: v.optional(name),
  columns: v.optional(ColumnsSchema),
  batching: v.optional(v.unknown()),
  createTable: v.optional(CreateTableSchema),
});

const BeatSchema = v.strictObject({
  task: name,
  heartbeatPeriod: v.optional(period),
  clientName: v.optional(name),
});

/** Column names of the heartbeat table; `null` leaves a column out. */
export interface HeartbeatColumns {
  /** @default {"app"} */
  app: string;
  /** @default {"task"} */
  task: string;
  /** @default {"sequence"} */
  sequence: string | null;
  /** @default {"expiry"} */
  expiry: string | null;
}

/** `heartbeat.init()`'s options with defaults applied. */
export interface ResolvedInit {
  table: Table;
  appName: string | undefined;
  periodMs: number;
  timeoutMs: number;
  clientName: string;
  columns: HeartbeatColumns;
  batching: BatchingOptions;
  /** `createTable`: `undefined` when off, else the retention (`undefined`: the default) and cluster. */
  createTable: TableCreation | undefined;
}

/** Heartbeats are small and should arrive promptly: 5 s, as the original. */
export const DEFAULT_HEARTBEAT_BATCHING_PERIOD = 5;

/**
 * Validates `heartbeat.init()`'s options.
 *
 * @param options What the user gave.
 * @returns The options, resolved.
 * @throws {TypeError} Naming every bad option.
 */
export function resolveInit(options: unknown): ResolvedInit {
  const result = v.safeParse(InitSchema, options);
  if (!result.success) {
    throw new TypeError(
      `Cannot start heartbeat.init(): ${formatIssues(result.issues, "option").join("; ")}`,
    );
  }
  const o = result.output;
  const batching = o.batching === undefined
    ? {}
    : parseBatching(o.batching, `heartbeat.init(): option "batching"`);
  return {
    table: typeof o.table === "string" ? Table.fromString(o.table) : o.table,
    appName: o.appName,
    periodMs: (o.heartbeatPeriod ?? 30) * 1000,
    timeoutMs: (o.timeout ?? 30) * 1000,
    clientName: o.clientName ?? "default",
    columns: {
      app: o.columns?.app ?? "app",
      task: o.columns?.task ?? "task",
      sequence: o.columns?.sequence === undefined ? "sequence" : o.columns.sequence,
      expiry: o.columns?.expiry === undefined ? "expiry" : o.columns.expiry,
    },
    batching: { period: DEFAULT_HEARTBEAT_BATCHING_PERIOD, ...batching },
    createTable: tableCreation(o.createTable),
  };
}

/**
 * Validates `heartbeat.beat()`'s options.
 *
 * @param options What the user gave.
 * @returns The options.
 * @throws {TypeError} Naming every bad option, or for the reserved task `main`.
 */
export function resolveBeat(
  options: unknown,
): { task: string; periodMs: number | undefined; clientName: string } {
  const result = v.safeParse(BeatSchema, options);
  if (!result.success) {
    throw new TypeError(
      `Cannot beat: ${formatIssues(result.issues, "option").join("; ")}`,
    );
  }
  const o = result.output;
  if (o.task === "main") {
    throw new TypeError(
      `Cannot beat task "main": it is reserved for heartbeat.init()'s own loop; name your task`,
    );
  }
  return {
    task: o.task,
    periodMs: o.heartbeatPeriod === undefined ? undefined : o.heartbeatPeriod * 1000,
    clientName: o.clientName ?? "default",
  };
}
