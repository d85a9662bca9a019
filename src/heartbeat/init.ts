import type { BatchingOptions } from "../client/options.ts";
import { clientSlot, requireAppName } from "../client/registry.ts";
import type { Table } from "../table.ts";
import { tableCreator } from "../tables/table_creator.ts";
import type { CreateTableOption } from "../tables/create_table_option.ts";
import { Heartbeat } from "./_heartbeat.ts";
import { DEFAULT_HEARTBEAT_BATCHING_PERIOD, resolveInit } from "./_options.ts";

/** Column names of the heartbeat table (`columns` of {@linkcode HeartbeatInitOptions}). */
export interface HeartbeatColumnNames {
  /**
   * The app's name.
   * @default {"app"}
   */
  app?: string;
  /**
   * The task's name (`main` for the loop of `init`).
   * @default {"task"}
   */
  task?: string;
  /**
   * The beat's number per task, from 0; `null` leaves it out.
   * @default {"sequence"}
   */
  sequence?: string | null;
  /**
   * When the task is overdue without a newer beat; `null` leaves it out.
   * @default {"expiry"}
   */
  expiry?: string | null;
}

/** Options of {@linkcode init}. Durations are in seconds. */
export interface HeartbeatInitOptions {
  /**
   * The heartbeat table: `"db.table"`, `"table"` or a `Table` (whose
   * `timeColumn` names the time column; else the first DateTime/DateTime64).
   */
  table: string | Table;
  /** The app's name; else `setAppName()`'s, else the `app`/`APP` environment variable. */
  appName?: string;
  /**
   * Seconds between two `main` beats.
   * @default {30}
   */
  heartbeatPeriod?: number;
  /**
   * Grace, in seconds, added to each beat's expiry for a late beat or a slow insert.
   * @default {30}
   */
  timeout?: number;
  /**
   * The client to write through.
   * @default {"default"}
   */
  clientName?: string;
  /** Column names, for tables laid out differently from the original's. */
  columns?: HeartbeatColumnNames;
  /**
   * Batching of the heartbeat table; its `period` is part of each beat's expiry.
   * @default {{ period: 5 }}
   */
  batching?: BatchingOptions;
  /**
   * Create the table (and its database) if missing, before the first beat,
   * with the layout of `heartbeatsTableDdl` for the connected server (these
   * `columns`; `{ ttlDays }` for a retention other than 28 days). An existing
   * table is never altered: one that lacks a column heartbeats write fails
   * with an error naming the `ALTER TABLE` to run, and the beats are kept.
   * `{ cluster: "name" }` makes it on that cluster (`ON CLUSTER`, a
   * `ReplicatedMergeTree` `<table>_local` and a `Distributed` table under the
   * name given, which the beats are written to), as `heartbeatsTableDdl` does.
   * @default {false}
   */
  createTable?: CreateTableOption;
}

/** A running heartbeat, returned by {@linkcode init}. */
export interface HeartbeatHandle {
  /**
   * Ends the `main` loop and sends the buffered beats. Never rejects: a
   * failed send is reported (`onError`, `stats()`) and its beats stay
   * buffered for the next flush. Calling it again returns the same promise.
   */
  stop(): Promise<void>;
  /** Calls {@linkcode HeartbeatHandle.stop}. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts the heartbeat of an app: writes a `main` beat at once, then one
 * every `heartbeatPeriod` seconds, on a schedule that does not drift. Each
 * beat's `expiry` is its time + `heartbeatPeriod` + `timeout` + the heartbeat
 * table's batching period (default 30 + 30 + 5 = 65 s): past it, with no newer
 * beat, the app is overdue.
 *
 * A second `init` for the same client replaces the first (one loop per
 * client; sequences continue when app and table are unchanged). A failed
 * write or send never stops the loop. The loop's timer never keeps a Deno,
 * Node or Bun process alive, and `tusk.close()` stops it. In Cloudflare
 * Workers there is no loop: `init` writes one `main` beat; call it from each
 * `scheduled` invocation and flush with `ctx.waitUntil(tusk.flush())`.
 *
 * Heartbeats get their own table and high priority in the client's memory
 * cap: when it is full, rows of other tables are dropped first, whatever
 * `buffer.onFull` says, so a busy or unreachable server does not silence them.
 *
 * @param options Table, app name, period, timeout, columns and batching.
 * @returns The handle, to `stop()` it.
 * @throws {TypeError} Naming each bad option.
 * @throws {TuskError} When no app name is given or set.
 *
 * @example
 * ```ts
 * import * as tusk from "@tusk/clickhouse";
 * import * as heartbeat from "@tusk/clickhouse/heartbeat";
 * tusk.init({ host: "localhost", user: "tester", password: "P@assw0rd" });
 * const hb = heartbeat.init({ table: "maintenance.heartbeats", appName: "my_app" });
 * await hb.stop();
 * ```
 */
export function init(options: HeartbeatInitOptions): HeartbeatHandle {
  const o = resolveInit(options);
  const client = clientSlot(o.clientName);
  const app = o.appName ?? requireAppName(client.env, "heartbeat.init()");
  // High priority: a full client buffer drops other tables' rows before a beat.
  const writer = client.writer(o.table, o.batching, { priority: "high" });
  if (o.createTable !== undefined) {
    writer.prepareSchema(tableCreator({
      kind: "heartbeats",
      table: o.table,
      columns: o.columns,
      ttlDays: o.createTable.ttlDays,
      cluster: o.createTable.cluster,
    }));
  }
  const heartbeat = Heartbeat.start({
    client,
    writer,
    app,
    columns: o.columns,
    periodMs: o.periodMs,
    timeoutMs: o.timeoutMs,
    bufferDelayMs: (o.batching.period ?? DEFAULT_HEARTBEAT_BATCHING_PERIOD) * 1000,
  });
  return {
    stop: () => heartbeat.stop(),
    [Symbol.asyncDispose]: () => heartbeat.stop(),
  };
}
