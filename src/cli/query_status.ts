import type { Connection } from "../transport/connection.ts";
import { quoteIdentifier as q } from "../transport/quote.ts";
import { describeTable } from "../schema/describe_table.ts";
import type { HeartbeatsTarget, LogsTarget } from "./resolve_target.ts";

/** The latest beat of one app's task. Times are Unix seconds. */
export interface TaskStatus {
  app: string;
  task: string;
  lastBeat: number;
  /** When the latest beat expires; `null` for a table without an expiry column. */
  expiry: number | null;
  /** Whether the expiry has passed (by the server's clock). */
  overdue: boolean;
}

/** Beats lost between two sequence numbers of one task. */
export interface SequenceGap {
  app: string;
  task: string;
  lastBeforeGap: number;
  firstAfterGap: number;
  missing: number;
}

/** One app's error and critical log rows over the last hour. */
export interface AppErrors {
  app: string;
  count: number;
  /** When the newest of them was written (Unix seconds). */
  newestAt: number;
  newestMessage: string;
}

/** What `status` found. */
export interface StatusReport {
  /** The server's clock (Unix seconds). */
  now: number;
  heartbeats?: { table: string; tasks: TaskStatus[]; gaps: SequenceGap[] };
  logs?: { table: string; apps: AppErrors[] };
}

/**
 * Reads the latest beat of every app and task, the gaps in their sequences
 * over the last day, and the error and critical log rows of the last hour.
 * The SQL runs on ClickHouse 18.16 as on modern servers (seconds precision:
 * 18.x has no `DateTime64`).
 *
 * @param connection The server.
 * @param target The tables to read.
 * @returns The report.
 * @throws {TuskClickHouseError} When the server cannot be reached or a query fails.
 * @throws {Error} When a table lacks a column the report needs.
 *
 * @example
 * ```ts ignore
 * import { queryStatus } from "./query_status.ts";
 * const report = await queryStatus(connection, { heartbeats, logs: undefined });
 * ```
 */
export async function queryStatus(
  connection: Connection,
  target: { heartbeats: HeartbeatsTarget | undefined; logs: LogsTarget | undefined },
): Promise<StatusReport> {
  const [clock] = await connection.select<{ now: number }>(
    "SELECT toUnixTimestamp(now()) AS now",
    "Cannot reach ClickHouse",
  );
  const report: StatusReport = { now: clock!.now };
  if (target.heartbeats) report.heartbeats = await readHeartbeats(connection, target.heartbeats);
  if (target.logs) report.logs = await readLogs(connection, target.logs);
  return report;
}

// Aliases differ from column names: 18.x would resolve `expiry` inside argMax to the alias.
type TaskRow = Omit<TaskStatus, "overdue" | "expiry"> & {
  expiresAt: number | null;
  overdue: number;
};

async function readHeartbeats(
  connection: Connection,
  target: HeartbeatsTarget,
): Promise<NonNullable<StatusReport["heartbeats"]>> {
  const name = `${target.database}.${target.table}`;
  const from = `${q(target.database)}.${q(target.table)}`;
  const c = target.columns;
  const time = q(await timeColumn(connection, target, [c.app, c.task, c.sequence, c.expiry]));
  const [app, task] = [q(c.app), q(c.task)];
  const expiry = c.expiry === null ? undefined : `argMax(${q(c.expiry)}, ${time})`;
  const tasks = await connection.select<TaskRow>(
    `SELECT ${app} AS app, ${task} AS task,` +
      ` toUnixTimestamp(toDateTime(max(${time}))) AS lastBeat,` +
      (expiry === undefined
        ? " NULL AS expiresAt, 0 AS overdue"
        : ` toUnixTimestamp(toDateTime(${expiry})) AS expiresAt, toUInt8(${expiry} < now()) AS overdue`) +
      ` FROM ${from} GROUP BY app, task ORDER BY app, task`,
    `Cannot read the heartbeats in "${name}"`,
  );
  const gaps = c.sequence === null ? [] : await connection.select<SequenceGap>(
    // A return to 0 (a restart) is not a gap.
    `SELECT app, task, pair.1 AS lastBeforeGap, pair.2 AS firstAfterGap,` +
      ` toUInt32(pair.2 - pair.1 - 1) AS missing FROM (` +
      ` SELECT ${app} AS app, ${task} AS task,` +
      ` arrayMap(x -> x.2, arraySort(groupArray((${time}, ${q(c.sequence)})))) AS sequences` +
      ` FROM ${from} WHERE ${time} > now() - INTERVAL 1 DAY GROUP BY app, task)` +
      ` ARRAY JOIN arrayFilter(p -> p.2 > p.1 + 1,` +
      ` arrayMap((a, b) -> (a, b), arrayPopBack(sequences), arrayPopFront(sequences))) AS pair` +
      ` ORDER BY app, task, lastBeforeGap`,
    `Cannot read the sequence gaps in "${name}"`,
  );
  return {
    table: name,
    tasks: tasks.map(({ expiresAt, ...t }) => ({
      ...t,
      expiry: expiresAt,
      overdue: Number(t.overdue) === 1,
    })),
    gaps: gaps.map((g) => ({ ...g, missing: Number(g.missing) })),
  };
}

async function readLogs(
  connection: Connection,
  target: LogsTarget,
): Promise<NonNullable<StatusReport["logs"]>> {
  const name = `${target.database}.${target.table}`;
  const c = target.columns;
  const time = q(await timeColumn(connection, target, [c.app, c.level, c.message]));
  // Tusk's levels: critical 1, error 2. OpenTelemetry's severities: ERROR 17-20, FATAL 21-24.
  const serious = target.layout === "otel" ? `${q(c.level)} >= 17` : `${q(c.level)} <= 2`;
  const apps = await connection.select<AppErrors>(
    `SELECT ${c.app === null ? "''" : q(c.app)} AS app, toUInt32(count()) AS count,` +
      ` toUnixTimestamp(toDateTime(max(${time}))) AS newestAt,` +
      ` argMax(${q(c.message)}, ${time}) AS newestMessage` +
      ` FROM ${q(target.database)}.${q(target.table)}` +
      ` WHERE ${serious} AND ${time} > now() - INTERVAL 1 HOUR GROUP BY app ORDER BY app`,
    `Cannot read the log rows in "${name}"`,
  );
  return { table: name, apps: apps.map((a) => ({ ...a, count: Number(a.count) })) };
}

// The table's first DateTime/DateTime64 column, as heartbeats and logging
// choose it; every column the report names must exist.
async function timeColumn(
  connection: Connection,
  target: { database: string; table: string },
  needed: ReadonlyArray<string | null>,
): Promise<string> {
  const columns = await describeTable(connection, target.database, target.table);
  const name = `${target.database}.${target.table}`;
  const missing = needed.filter((n) => n !== null && !columns.some((col) => col.name === n));
  if (missing.length > 0) {
    const list = missing.map((n) => `"${n}"`).join(", ");
    throw new Error(`Cannot read "${name}": it has no column ${list}: check the table's name`);
  }
  const time = columns.find((col) => /^DateTime(64)?\b/.test(col.typeText));
  if (time === undefined) throw new Error(`Cannot read "${name}": it has no DateTime column`);
  return time.name;
}
