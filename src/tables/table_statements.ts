// Not exported from ./tables: the standard tables as statements to run, for
// createTable (table_creator.ts) and the command line's `tables`.
import type { HeartbeatColumnNames } from "../heartbeat/init.ts";
import type { LogColumns } from "../logging/log_sink.ts";
import type { Table } from "../table.ts";
import { quoteIdentifier } from "../transport/quote.ts";
import { type ColumnSpec, type DdlStatement, ddlStatements, type TableName } from "./_ddl_parts.ts";
import { featuresOf } from "./_features.ts";
import {
  type Bucket,
  countersLayout,
  heartbeatNames,
  heartbeatsLayout,
  type Layout,
  logNames,
  logsLayout,
} from "./_layouts.ts";
import type { ServerFacts } from "./server_facts.ts";

export type { ColumnSpec, DdlStatement } from "./_ddl_parts.ts";

/** Which standard table a feature wants made, and where. */
export type TableSpec =
  & (
    | { kind: "heartbeats"; table: Table; columns?: HeartbeatColumnNames; ttlDays?: number }
    | { kind: "logs"; table: Table; columns?: Partial<LogColumns>; ttlDays?: number }
    | {
      kind: "counters";
      table: Table;
      tags: Readonly<Record<string, string>>;
      countColumn?: string;
      bucket?: Bucket;
      ttlDays?: number;
    }
  )
  & {
    /** The cluster (`ON CLUSTER`, `Replicated*` and `Distributed`), if any. */
    cluster?: string;
  };

/** A standard table for one server: its statements and the columns its feature writes. */
export interface TablePlan {
  /** The statements, in order: on a cluster the local table's, then the `Distributed`'s. */
  statements: DdlStatement[];
  /** Every column, with its type. */
  columns: readonly ColumnSpec[];
  /** Names of the columns the feature cannot do without. */
  required: readonly string[];
}

function layoutOf(spec: TableSpec, server: ServerFacts): Layout {
  const features = featuresOf(server);
  switch (spec.kind) {
    case "heartbeats":
      return heartbeatsLayout(
        features,
        heartbeatNames(spec.table, spec.columns),
        spec.ttlDays ?? 28,
      );
    case "logs":
      return logsLayout(features, logNames(spec.table, spec.columns), spec.ttlDays ?? 7);
    case "counters":
      return countersLayout(spec.tags, {
        time: spec.table.timeColumn ?? "datetime",
        count: spec.countColumn ?? "count",
        bucket: spec.bucket ?? "hour",
      }, spec.ttlDays ?? 0);
  }
}

/**
 * Plans a standard table for a server: the statements that make it (as the
 * `*TableDdl` functions give them) and the columns to check on an existing one.
 *
 * @param spec The feature's table, and the cluster if any.
 * @param name Where the table goes (the database resolved).
 * @param server The server's version.
 * @returns The plan.
 * @throws {TypeError} For a cluster without a database.
 *
 * @example
 * ```ts ignore
 * const plan = planTable({ kind: "heartbeats", table }, { database: "maintenance", table: "heartbeats" }, { version: "18.16.1" });
 * ```
 */
export function planTable(spec: TableSpec, name: TableName, server: ServerFacts): TablePlan {
  const layout = layoutOf(spec, server);
  return {
    statements: ddlStatements(name, layout, featuresOf(server), spec.cluster),
    columns: layout.columns,
    required: layout.required,
  };
}

/**
 * The required columns of a plan that a table lacks.
 *
 * @param plan The plan.
 * @param present The table's column names.
 * @returns The missing columns, with their types.
 */
export function missingColumns(plan: TablePlan, present: readonly string[]): ColumnSpec[] {
  return plan.columns.filter(([name]) => plan.required.includes(name) && !present.includes(name));
}

/**
 * The `ALTER TABLE ... ADD COLUMN` that adds missing columns (on a cluster:
 * to the local tables and the `Distributed` table, `ON CLUSTER`).
 *
 * @param plan The plan whose table lacks them.
 * @param missing The columns.
 * @param cluster The cluster, if any.
 * @returns The statements, in order.
 */
export function alterStatements(
  plan: TablePlan,
  missing: readonly ColumnSpec[],
  cluster?: string,
): string[] {
  const on = cluster === undefined ? "" : ` ON CLUSTER ${quoteIdentifier(cluster)}`;
  return plan.statements.map((s) =>
    `ALTER TABLE ${quoteIdentifier(s.database ?? "default")}.${quoteIdentifier(s.table)}${on} ` +
    missing.map(([name, type]) => `ADD COLUMN ${quoteIdentifier(name)} ${type}`).join(", ")
  );
}
