// Validation of counter() options, with valibot.
import * as v from "valibot";
import { type BatchingOptions, parseBatching } from "../client/options.ts";
import { formatIssues } from "../validation/format_issues.ts";
import { nonEmpty } from "../validation/schema_parts.ts";
import { Table } from "../table.ts";
import type { CounterTableOptions } from "./counter_options.ts";

const name = nonEmpty;

const CreateTableSchema = v.strictObject({
  columns: v.pipe(
    v.record(name, name),
    v.check((columns) => Object.keys(columns).length > 0, "must name at least one tag column"),
  ),
  bucket: v.optional(v.picklist(["minute", "hour", "day"])),
  ttlDays: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
  cluster: v.optional(name),
});

const CounterSchema = v.strictObject({
  table: v.union([name, v.instance(Table)]),
  countColumn: v.optional(name),
  countPeriod: v.optional(v.pipe(v.number(), v.finite(), v.gtValue(0))),
  clientName: v.optional(name),
  batching: v.optional(v.unknown()),
  maxTagSets: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(1))),
  createTable: v.optional(CreateTableSchema),
});

/** Summing 15 s of counts into one row per tag set, as the original did. */
export const DEFAULT_COUNT_PERIOD = 15;

/** Distinct tag sets held per period before new ones are dropped. */
export const DEFAULT_MAX_TAG_SETS = 100_000;

/** `counter()`'s options with defaults applied. */
export interface ResolvedCounter {
  table: Table;
  countColumn: string | undefined;
  periodMs: number;
  clientName: string;
  batching: BatchingOptions | undefined;
  maxTagSets: number;
  createTable: CounterTableOptions | undefined;
}

/**
 * Validates `counter()`'s options.
 *
 * @param options What the user gave: a table name, a `Table`, or the options.
 * @returns The options, resolved.
 * @throws {TypeError} Naming every bad option.
 */
export function resolveCounter(options: unknown): ResolvedCounter {
  const given = typeof options === "string" || options instanceof Table
    ? { table: options }
    : options;
  const result = v.safeParse(CounterSchema, given);
  if (!result.success) {
    throw new TypeError(
      `Cannot create a counter: ${formatIssues(result.issues, "option").join("; ")}`,
    );
  }
  const o = result.output;
  const table = typeof o.table === "string" ? Table.fromString(o.table) : o.table;
  return {
    table,
    countColumn: o.countColumn,
    periodMs: (o.countPeriod ?? DEFAULT_COUNT_PERIOD) * 1000,
    clientName: o.clientName ?? "default",
    batching: o.batching === undefined
      ? undefined
      : parseBatching(o.batching, `counter "${table}": option "batching"`),
    maxTagSets: o.maxTagSets ?? DEFAULT_MAX_TAG_SETS,
    createTable: o.createTable,
  };
}
