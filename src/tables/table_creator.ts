// Not exported from ./tables: the step behind `createTable: true`, used by
// heartbeat.init(), logging.init() and counter().
import type { ClientSession } from "../client/client_session.ts";
import type { SchemaPreparation } from "../batching/writer_host.ts";
import { TuskError } from "../errors.ts";
import type { Connection } from "../transport/connection.ts";
import { quoteIdentifier, quoteString } from "../transport/quote.ts";
import { createTableSql } from "./_ddl_parts.ts";
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
import type { HeartbeatColumnNames } from "../heartbeat/init.ts";
import type { LogColumns } from "../logging/log_sink.ts";
import type { Table } from "../table.ts";
import type { ServerFacts } from "./server_facts.ts";

/** Which standard table a feature wants made. */
export type TableSpec =
  | { kind: "heartbeats"; table: Table; columns?: HeartbeatColumnNames; ttlDays?: number }
  | { kind: "logs"; table: Table; columns?: Partial<LogColumns>; ttlDays?: number }
  | {
    kind: "counters";
    table: Table;
    tags: Readonly<Record<string, string>>;
    countColumn?: string;
    bucket?: Bucket;
    ttlDays?: number;
  };

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
 * The step `createTable` adds before a writer's first read of its columns:
 * when the table is missing, creates its database (if missing) and the table
 * for the server's version; when it exists, checks that it has every column
 * the feature writes, else throws a {@linkcode TuskError} naming them with the
 * `ALTER TABLE` to run. Never drops or alters anything. Done once per session.
 *
 * @param spec The feature's table.
 * @returns The step, for `TableWriter.prepareSchema`.
 */
export function tableCreator(spec: TableSpec): SchemaPreparation {
  const done = new WeakSet<ClientSession>();
  return async (session, database, table) => {
    if (done.has(session)) return;
    const { connection } = session;
    const server = { version: await session.serverVersion() };
    const plan = layoutOf(spec, server);
    let present = await columnNames(connection, database, table);
    if (present.length === 0) {
      await createDatabase(connection, database);
      const sql = createTableSql(
        `${quoteIdentifier(database)}.${quoteIdentifier(table)}`,
        plan,
        featuresOf(server),
      );
      await run(connection, sql, `Cannot create table "${database}.${table}"`);
      present = await columnNames(connection, database, table);
    }
    const missing = plan.columns.filter(([name]) =>
      plan.required.includes(name) && !present.includes(name)
    );
    if (missing.length > 0) {
      const alter = `ALTER TABLE ${quoteIdentifier(database)}.${quoteIdentifier(table)} ` +
        missing.map(([name, type]) => `ADD COLUMN ${quoteIdentifier(name)} ${type}`).join(", ");
      throw new TuskError(
        `Cannot write to "${database}.${table}": the table lacks column${
          missing.length > 1 ? "s" : ""
        } ${missing.map(([name]) => `"${name}"`).join(", ")}; Tusk never alters a table itself, ` +
          `so run: ${alter}`,
      );
    }
    done.add(session);
  };
}

async function columnNames(
  connection: Connection,
  database: string,
  table: string,
): Promise<string[]> {
  const rows = await connection.select<{ name: string }>(
    "SELECT name FROM system.columns" +
      ` WHERE database = ${quoteString(database)} AND table = ${quoteString(table)}`,
    `Cannot read the columns of "${database}.${table}"`,
  );
  return rows.map((row) => row.name);
}

// Asked first: CREATE DATABASE IF NOT EXISTS needs the grant even when the
// database exists, and most writers have no such grant.
async function createDatabase(connection: Connection, database: string): Promise<void> {
  const rows = await connection.select<{ name: string }>(
    `SELECT name FROM system.databases WHERE name = ${quoteString(database)}`,
    `Cannot look up database "${database}"`,
  );
  if (rows.length > 0) return;
  await run(
    connection,
    `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)}`,
    `Cannot create database "${database}"`,
  );
}

// A statement without a result: the connection's select sends it with
// FORMAT JSONEachRow, which every server accepts after CREATE, and reads no rows.
async function run(connection: Connection, sql: string, action: string): Promise<void> {
  await connection.select(sql, action);
}
