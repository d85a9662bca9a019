import type { TuskConfig } from "../config/config_schema.ts";
import { Table } from "../table.ts";
import type { TableSpec } from "../tables/table_statements.ts";
import { splitTable } from "./resolve_target.ts";
import { UsageError } from "./usage_error.ts";

/** A standard table the `tables` command makes, or why it leaves one out. */
export type PlannedSpec =
  | { spec: TableSpec; database: string; table: string }
  | { skipped: string; database: string; table: string };

/** Flags of `tables` that name tables and a cluster. */
export interface TableFlags {
  heartbeats?: string;
  logs?: string;
  cluster?: string;
}

/**
 * The standard tables a configuration (or `--heartbeats`/`--logs`) names: the
 * heartbeat table and the `"tusk"`-layout log table, with the configuration's
 * column names, `create_table.ttl_days`, and the cluster (`--cluster`, else
 * `create_table.cluster`). An `"otel"`-layout log table is left out (it is
 * made with `otelLogsTableDdl()`).
 *
 * @param flags The command line's flags.
 * @param config The parsed configuration, when `--config` was given.
 * @returns The tables, heartbeats first.
 * @throws {UsageError} When no table is named, or for a malformed name.
 *
 * @example
 * ```ts
 * import { tableSpecs } from "./table_specs.ts";
 * const specs = tableSpecs({ heartbeats: "maintenance.heartbeats" }, undefined);
 * ```
 */
export function tableSpecs(flags: TableFlags, config: TuskConfig | undefined): PlannedSpec[] {
  const database = config?.database ?? "default";
  const specs: PlannedSpec[] = [];
  const hb = config?.heartbeat;
  const hbName = flags.heartbeats ?? (hb && `${hb.database ?? database}.${hb.table}`);
  if (hbName !== undefined) {
    const where = splitTable(hbName, database);
    const fromConfig = flags.heartbeats === undefined ? hb : undefined;
    const made = options(fromConfig?.create_table, flags.cluster);
    specs.push({
      ...where,
      spec: {
        kind: "heartbeats",
        table: new Table({ database: where.database, tableName: where.table }),
        ...(fromConfig?.columns === undefined ? {} : { columns: fromConfig.columns }),
        ...made,
      },
    });
  }
  const lg = config?.logging;
  const lgName = flags.logs ?? (lg && `${lg.database ?? database}.${lg.table}`);
  if (lgName !== undefined) {
    const where = splitTable(lgName, database);
    const fromConfig = flags.logs === undefined ? lg : undefined;
    if (fromConfig?.layout === "otel") {
      specs.push({ ...where, skipped: 'layout "otel": make it with otelLogsTableDdl()' });
    } else {
      specs.push({
        ...where,
        spec: {
          kind: "logs",
          table: new Table({ database: where.database, tableName: where.table }),
          ...(fromConfig?.columns === undefined ? {} : { columns: fromConfig.columns }),
          ...options(fromConfig?.create_table, flags.cluster),
        },
      });
    }
  }
  if (specs.length === 0) {
    throw new UsageError(
      "Cannot make tables: no table given: pass --config with a heartbeat or logging " +
        "section, or --heartbeats db.table and/or --logs db.table",
    );
  }
  return specs;
}

type CreateTable = NonNullable<NonNullable<TuskConfig["heartbeat"]>["create_table"]>;

function options(
  given: CreateTable | undefined,
  cluster: string | undefined,
): { ttlDays?: number; cluster?: string } {
  const o = typeof given === "object" ? given : {};
  const chosen = cluster ?? o.cluster;
  return {
    ...(o.ttl_days === undefined ? {} : { ttlDays: o.ttl_days }),
    ...(chosen === undefined ? {} : { cluster: chosen }),
  };
}
