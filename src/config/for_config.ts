import { setAppName } from "../client/registry.ts";
import type { InitOptions } from "../client/options.ts";
import type { TuskClient } from "../client/tusk_client.ts";
import * as heartbeat from "../heartbeat/mod.ts";
import { init } from "../init.ts";
import * as logging from "../logging/mod.ts";
import type { ConfigBatching, ConfigCreateTable, TuskConfig } from "./config_schema.ts";
import { parseConfig } from "./parse_config.ts";

/** Options of {@linkcode forConfig}, {@linkcode forYaml} and `forYamlFile`. */
export interface ConfigOptions {
  /** A record used instead of the process environment for `${VAR}` (a Worker's `env`). */
  env?: Record<string, unknown>;
  /** Where the configuration came from, for error messages. @default {"config"} */
  source?: string;
  /** Passed to `init()` as they are: things a file cannot hold (`onError`, `fetch`, `clock`). */
  init?: Pick<InitOptions, "onError" | "fetch" | "clock">;
}

/** What a configuration started. */
export interface TuskSetup {
  /** The client `init()` made. */
  readonly client: TuskClient;
  /** The heartbeat loop, when the configuration has `heartbeat`. */
  readonly heartbeat: heartbeat.HeartbeatHandle | undefined;
  /** The log recorder, when the configuration has `logging`. */
  readonly logging: logging.LoggingHandle | undefined;
  /** Stops the heartbeat loop and the logging (restoring `console`), flushing both. */
  stop(): Promise<void>;
  /** Calls `stop()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

let current: TuskSetup | undefined;

/**
 * Starts Tusk from an already parsed configuration: what `init`,
 * `setAppName`, `heartbeat.init` and `logging.init` do together. Keys are the
 * original's (`app`, `host`, `user`, `password`, `heartbeat: {database,
 * table}`, `logging: {database, table}`) plus optional extensions. Strings may
 * hold `${VAR}` or `${VAR:-default}`. Everything is checked before anything
 * starts; a second call replaces the first configuration.
 *
 * @param config The configuration object.
 * @param options Environment, source name, and `init` extras.
 * @returns What was started.
 * @throws {TuskConfigError} Listing every unknown key, wrong type, missing key and unset
 * variable with its path; a password's value is never shown.
 *
 * @example
 * ```ts
 * import { forConfig } from "@tusk/clickhouse/yaml";
 * const setup = forConfig({
 *   app: "my_app",
 *   host: "localhost",
 *   user: "tester",
 *   password: "${CLICKHOUSE_PASSWORD}",
 *   heartbeat: { database: "maintenance", table: "heartbeats" },
 *   logging: { database: "maintenance", table: "logs" },
 * });
 * await setup.stop();
 * ```
 */
export function forConfig(config: unknown, options: ConfigOptions = {}): TuskSetup {
  return start(parseConfig(config, options), options);
}

function start(config: TuskConfig, options: ConfigOptions): TuskSetup {
  const clientName = config.client_name ?? "default";
  // heartbeat.init and logging.init replace their predecessor on the same
  // client (sequences carry on, console is wrapped once); what the new
  // configuration no longer has, or had on another client, is stopped here.
  const previous = current;
  current = undefined;
  const moved = previous !== undefined && previous.client.name !== clientName;
  if (moved || !config.heartbeat) void previous?.heartbeat?.stop();
  if (moved || !config.logging) void previous?.logging?.stop();
  const client = init({ ...connection(config), ...options.init, env: options.env, clientName });
  if (config.app !== undefined) setAppName(config.app);
  let beats: heartbeat.HeartbeatHandle | undefined;
  let logs: logging.LoggingHandle | undefined;
  try {
    if (config.heartbeat) {
      const h = config.heartbeat;
      beats = heartbeat.init({
        table: tableName(h.database, h.table),
        appName: config.app,
        clientName,
        ...(h.period === undefined ? {} : { heartbeatPeriod: h.period }),
        ...(h.timeout === undefined ? {} : { timeout: h.timeout }),
        ...(h.columns === undefined ? {} : { columns: h.columns }),
        ...(h.batching === undefined ? {} : { batching: batching(h.batching) }),
        ...(h.create_table === undefined ? {} : { createTable: createTable(h.create_table) }),
      });
    }
    if (config.logging) {
      const l = config.logging;
      logs = logging.init({
        table: tableName(l.database, l.table),
        appName: config.app,
        clientName,
        ...(l.level === undefined ? {} : { level: l.level }),
        ...(l.layout === undefined ? {} : { layout: l.layout }),
        ...(l.console === undefined ? {} : { console: l.console }),
        ...(l.columns === undefined ? {} : { columns: l.columns }),
        ...(l.batching === undefined ? {} : { batching: batching(l.batching) }),
        ...(l.create_table === undefined ? {} : { createTable: createTable(l.create_table) }),
      });
    }
  } catch (error) {
    void beats?.stop();
    throw error;
  }
  const stop = async () => {
    if (current === setup) current = undefined;
    await Promise.all([beats?.stop(), logs?.stop()]);
  };
  const setup: TuskSetup = {
    client,
    heartbeat: beats,
    logging: logs,
    stop,
    [Symbol.asyncDispose]: stop,
  };
  current = setup;
  return setup;
}

function connection(config: TuskConfig): InitOptions {
  const keys: Array<[keyof InitOptions, unknown]> = [
    ["url", config.url],
    ["shards", config.shards],
    ["loadBalancing", config.load_balancing],
    ["host", config.host],
    ["port", config.port],
    ["secure", config.secure],
    ["user", config.user],
    ["password", config.password],
    ["database", config.database],
    ["requestTimeout", config.request_timeout],
    ["closeTimeout", config.close_timeout],
    ["asyncInsert", config.async_insert],
    ["compression", config.compression],
    ["clickhouseSettings", config.clickhouse_settings],
    ["batching", config.batching && batching(config.batching)],
  ];
  return Object.fromEntries(keys.filter(([, value]) => value !== undefined));
}

function batching(b: ConfigBatching): InitOptions["batching"] {
  return Object.fromEntries(
    Object.entries({
      period: b.period,
      maxRows: b.max_rows,
      maxBytes: b.max_bytes,
      maxBufferedRows: b.max_buffered_rows,
    }).filter(([, value]) => value !== undefined),
  );
}

// `create_table: { cluster, ttl_days }` as createTable's `{ cluster, ttlDays }`.
function createTable(
  given: ConfigCreateTable,
): boolean | { cluster?: string; ttlDays?: number } {
  if (typeof given === "boolean") return given;
  return {
    ...(given.cluster === undefined ? {} : { cluster: given.cluster }),
    ...(given.ttl_days === undefined ? {} : { ttlDays: given.ttl_days }),
  };
}

function tableName(database: string | undefined, table: string): string {
  return database === undefined ? table : `${database}.${table}`;
}
