import { resolveOptions } from "../client/options.ts";
import type { TuskConfig } from "../config/config_schema.ts";
import { UsageError } from "./usage_error.ts";

/** Where the server is, as the command line connects to it. */
export interface ServerTarget {
  /** Base URL without credentials. */
  url: string;
  /** User name. */
  user: string;
  /** Password. */
  password: string;
}

/** A heartbeat table and the columns a configuration names in it. */
export interface HeartbeatsTarget {
  database: string;
  table: string;
  columns: { app: string; task: string; sequence: string | null; expiry: string | null };
}

/** A log table, its layout, and the columns a configuration names in it. */
export interface LogsTarget {
  database: string;
  table: string;
  layout: "tusk" | "otel";
  columns: { app: string | null; level: string; message: string };
}

/** What `status` reads: a server and the tables on it. */
export interface StatusTarget {
  server: ServerTarget;
  heartbeats: HeartbeatsTarget | undefined;
  logs: LogsTarget | undefined;
}

/** Flags of the command line that say where to connect and what to read. */
export interface TargetFlags {
  url?: string;
  user?: string;
  password?: string;
  heartbeats?: string;
  logs?: string;
}

/**
 * Combines flags, a configuration and the environment into what to read: each
 * connection setting from `--url`/`--user`/`--password`, else the
 * configuration, else `CLICKHOUSE_URL`/`CLICKHOUSE_USER`/`CLICKHOUSE_PASSWORD`;
 * tables from `--heartbeats`/`--logs`, else the configuration's sections.
 *
 * @param flags The command line's flags.
 * @param config The parsed configuration, when `--config` was given.
 * @param env Reads an environment variable.
 * @returns The server and the tables.
 * @throws {UsageError} For a bad URL, or when there is no table to read.
 *
 * @example
 * ```ts
 * import { resolveTarget } from "./resolve_target.ts";
 * const target = resolveTarget({ heartbeats: "maintenance.heartbeats" }, undefined, () => undefined);
 * ```
 */
export function resolveTarget(
  flags: TargetFlags,
  config: TuskConfig | undefined,
  env: (name: string) => string | undefined,
): StatusTarget {
  const server = resolveServer(flags, config, env);
  const database = config?.database ?? "default";
  const hb = config?.heartbeat;
  const heartbeats = flags.heartbeats !== undefined
    ? { ...splitTable(flags.heartbeats, database), columns: heartbeatColumns(undefined) }
    : hb && {
      ...splitTable(hb.table, hb.database ?? database),
      columns: heartbeatColumns(hb.columns),
    };
  const lg = config?.logging;
  const logs = flags.logs !== undefined
    ? { ...splitTable(flags.logs, database), layout: "tusk" as const, columns: logColumns({}) }
    : lg && {
      ...splitTable(lg.table, lg.database ?? database),
      layout: lg.layout ?? "tusk",
      columns: lg.layout === "otel" ? OTEL_COLUMNS : logColumns(lg.columns ?? {}),
    };
  if (heartbeats === undefined && logs === undefined) {
    throw new UsageError(
      "Cannot check anything: no table given: pass --config with a heartbeat or logging " +
        "section, or --heartbeats db.table and/or --logs db.table",
    );
  }
  return { server, heartbeats, logs };
}

/**
 * Where to connect: each setting from `--url`/`--user`/`--password`, else the
 * configuration, else `CLICKHOUSE_URL`/`CLICKHOUSE_USER`/`CLICKHOUSE_PASSWORD`.
 *
 * @param flags The command line's flags.
 * @param config The parsed configuration, when `--config` was given.
 * @param env Reads an environment variable.
 * @returns The server.
 * @throws {UsageError} For a bad URL.
 *
 * @example
 * ```ts
 * import { resolveServer } from "./resolve_target.ts";
 * const server = resolveServer({ url: "http://localhost:8123" }, undefined, () => undefined);
 * ```
 */
export function resolveServer(
  flags: TargetFlags,
  config: TuskConfig | undefined,
  env: (name: string) => string | undefined,
): ServerTarget {
  const url = flags.url ?? config?.url ?? config?.shards?.[0];
  const fromConfig = config !== undefined && url === undefined;
  try {
    const o = resolveOptions({
      url: url ?? (fromConfig ? undefined : env("CLICKHOUSE_URL")),
      ...(fromConfig ? { host: config.host, port: config.port, secure: config.secure } : {}),
      user: flags.user ?? config?.user ?? env("CLICKHOUSE_USER"),
      password: flags.password ?? config?.password ?? env("CLICKHOUSE_PASSWORD"),
    });
    return { url: o.url, user: o.user, password: o.password };
  } catch (error) {
    const detail = (error as Error).message.replace(/^Cannot initialize Tusk: /, "");
    throw new UsageError(`Cannot connect: ${detail}: fix --url, the config or CLICKHOUSE_URL`, {
      cause: error,
    });
  }
}

/**
 * `"db.table"` or `"table"` (in `database`) as database and table.
 *
 * @param name The name given.
 * @param database The database of a name without one.
 * @returns The database and table.
 * @throws {UsageError} For an empty part.
 *
 * @example
 * ```ts
 * import { splitTable } from "./resolve_target.ts";
 * splitTable("heartbeats", "maintenance"); // { database: "maintenance", table: "heartbeats" }
 * ```
 */
export function splitTable(name: string, database: string): { database: string; table: string } {
  const dot = name.indexOf(".");
  const parts = dot < 0 ? [database, name] : [name.slice(0, dot), name.slice(dot + 1)];
  if (parts[0] === "" || parts[1] === "") {
    throw new UsageError(`Cannot read table "${name}": give it as db.table or table`);
  }
  return { database: parts[0]!, table: parts[1]! };
}

type ConfigHeartbeatColumns = NonNullable<TuskConfig["heartbeat"]>["columns"];

function heartbeatColumns(columns: ConfigHeartbeatColumns): HeartbeatsTarget["columns"] {
  return {
    app: columns?.app ?? "app",
    task: columns?.task ?? "task",
    sequence: columns?.sequence === undefined ? "sequence" : columns.sequence,
    expiry: columns?.expiry === undefined ? "expiry" : columns.expiry,
  };
}

const OTEL_COLUMNS: LogsTarget["columns"] = {
  app: "ServiceName",
  level: "SeverityNumber",
  message: "Body",
};

function logColumns(columns: Record<string, string | null>): LogsTarget["columns"] {
  const named = (role: string) => columns[role] === undefined ? role : columns[role];
  const level = named("level");
  const message = named("message");
  if (level === null || message === null) {
    throw new UsageError(
      'Cannot check the log table: its config leaves out the "level" or "message" column; ' +
        "pass --logs db.table for a table that has them",
    );
  }
  return { app: named("app") ?? null, level: level!, message: message! };
}
