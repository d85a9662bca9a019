// The standard layouts, as parts of a CREATE TABLE plus the columns each
// feature writes (checked on an existing table by createTable).
import type { HeartbeatColumnNames } from "../heartbeat/init.ts";
import type { LogColumns } from "../logging/log_sink.ts";
import { logColumns } from "../logging/options.ts";
import type { Table } from "../table.ts";
import { quoteIdentifier } from "../transport/quote.ts";
import type { Features } from "./_features.ts";
import { type ColumnSpec, labelType, type TableParts, timeType } from "./_ddl_parts.ts";

/** A layout: the table's parts and the columns its feature cannot do without. */
export interface Layout extends TableParts {
  /** Names of the columns the feature writes. */
  required: readonly string[];
}

/** Heartbeat column names; `null` leaves a column out. */
export interface HeartbeatNames {
  app: string;
  task: string;
  sequence: string | null;
  expiry: string | null;
  time: string;
}

/** The heartbeats table: the original's, with the server's types. */
export function heartbeatsLayout(f: Features, n: HeartbeatNames, ttlDays: number): Layout {
  const columns: ColumnSpec[] = [[n.app, labelType(f)], [n.time, timeType(f)], [
    n.task,
    labelType(f),
  ]];
  if (n.sequence !== null) columns.push([n.sequence, "UInt32"]);
  if (n.expiry !== null) columns.push([n.expiry, timeType(f)]);
  const key = [n.app, n.time, n.task, ...(n.sequence === null ? [] : [n.sequence])];
  return {
    columns,
    engine: { family: "MergeTree", args: [] },
    orderBy: key.map(quoteIdentifier),
    ttlColumn: n.time,
    ttlDays,
    required: columns.map(([name]) => name),
  };
}

/** Log column names by role (`null` leaves a column out), and the time column. */
export type LogNames = LogColumns & { time: string };

/**
 * The logs table: `category` and `host` (filled from `TUSK_CATEGORY` and
 * `TUSK_HOST`) and the columns logging writes.
 */
export function logsLayout(f: Features, n: LogNames, ttlDays: number): Layout {
  const label = labelType(f);
  const all: Array<readonly [string | null, string]> = [
    ["category", label],
    ["host", label],
    [n.app, label],
    [n.time, timeType(f)],
    [n.level, "Int8"],
    [n.logger, label],
    [n.line, "UInt32"],
    [n.error, "String"],
    [n.message, "String"],
    [n.stacktrace, "String"],
  ];
  const columns = all.filter((c): c is ColumnSpec => c[0] !== null);
  const key = ["category", "host", n.app, n.time, n.level, n.logger, n.line, n.error]
    .filter((c): c is string => c !== null);
  return {
    columns,
    engine: { family: "MergeTree", args: [] },
    orderBy: key.map(quoteIdentifier),
    ttlColumn: n.time,
    ttlDays,
    // category and host are env tags: filled when present, never required.
    required: columns.map(([name]) => name).filter((c) => c !== "category" && c !== "host"),
  };
}

/** The bucket a counters table sums rows into. */
export type Bucket = "minute" | "hour" | "day";

const BUCKET: Record<Bucket, string> = {
  minute: "toStartOfMinute",
  hour: "toStartOfHour",
  day: "toDate",
};

/** A counters table: tags, a time, the count; summed per tag set and bucket. */
export function countersLayout(
  tags: Readonly<Record<string, string>>,
  names: { time: string; count: string; bucket: Bucket },
  ttlDays: number,
): Layout {
  const columns: ColumnSpec[] = [
    ...Object.entries(tags),
    [names.time, "DateTime"],
    [names.count, "UInt64"],
  ];
  return {
    columns,
    engine: { family: "SummingMergeTree", args: [quoteIdentifier(names.count)] },
    orderBy: [
      ...Object.keys(tags).map(quoteIdentifier),
      `${BUCKET[names.bucket]}(${quoteIdentifier(names.time)})`,
    ],
    ttlColumn: names.time,
    ttlDays,
    required: columns.map(([name]) => name),
  };
}

/** A plain MergeTree of the given columns and a time column. */
export function metricLayout(
  f: Features,
  given: Readonly<Record<string, string>>,
  names: { time: string; orderBy: readonly string[] | undefined },
  ttlDays: number,
): Layout {
  const columns: ColumnSpec[] = Object.entries(given);
  if (!(names.time in given)) columns.push([names.time, timeType(f)]);
  return {
    columns,
    engine: { family: "MergeTree", args: [] },
    orderBy: (names.orderBy ?? [names.time]).map(quoteIdentifier),
    ttlColumn: names.time,
    ttlDays,
    required: columns.map(([name]) => name),
  };
}

/** Resolves heartbeat column names (shared with `createTable`). */
export function heartbeatNames(
  table: string | Table,
  columns: HeartbeatColumnNames | undefined,
): HeartbeatNames {
  return {
    app: columns?.app ?? "app",
    task: columns?.task ?? "task",
    sequence: columns?.sequence === undefined ? "sequence" : columns.sequence,
    expiry: columns?.expiry === undefined ? "expiry" : columns.expiry,
    time: (typeof table === "string" ? undefined : table.timeColumn) ?? "datetime",
  };
}

/** Resolves log column names (shared with `createTable`). */
export function logNames(
  table: string | Table,
  columns: Partial<LogColumns> | undefined,
): LogNames {
  return {
    ...logColumns(columns),
    time: (typeof table === "string" ? undefined : table.timeColumn) ?? "datetime",
  };
}
