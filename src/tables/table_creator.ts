// Not exported from ./tables: the step behind `createTable: true`, used by
// heartbeat.init(), logging.init() and counter().
import type { ClientSession } from "../client/client_session.ts";
import type { SchemaPreparation } from "../batching/writer_host.ts";
import { TuskError } from "../errors.ts";
import type { ClickHouseLink } from "../transport/connection.ts";
import { quoteIdentifier, quoteString } from "../transport/quote.ts";
import { alterStatements, missingColumns, planTable, type TableSpec } from "./table_statements.ts";

export type { TableSpec } from "./table_statements.ts";

/**
 * The step `createTable` adds before a writer's first read of its columns:
 * when the table is missing, creates its database (if missing) and the table
 * for the server's version (on a cluster: `ON CLUSTER`, the `Replicated*`
 * local table, then the `Distributed` table written to); when it exists,
 * checks that it has every column the feature writes, else throws a
 * {@linkcode TuskError} naming them with the `ALTER TABLE` to run. Never
 * drops or alters anything. Done once per session.
 *
 * @param spec The feature's table.
 * @returns The step, for `TableWriter.prepareSchema`.
 */
export function tableCreator(spec: TableSpec): SchemaPreparation {
  const done = new WeakSet<ClientSession>();
  return async (session, database, table) => {
    if (done.has(session)) return;
    const { connection } = session;
    const plan = planTable(spec, { database, table }, { version: await session.serverVersion() });
    let present = await columnNames(connection, database, table);
    if (present.length === 0) {
      if (spec.cluster === undefined && connection.size > 1) {
        throw new TuskError(
          `Cannot create table "${database}.${table}": the client writes to ${connection.size} ` +
            "endpoints, and a table made on one of them would be missing on the others; give " +
            'createTable: { cluster: "<name in remote_servers>" } to make it ON CLUSTER, or create it yourself',
        );
      }
      await createDatabase(connection, database, spec.cluster);
      for (const statement of plan.statements) {
        await connection.command(
          statement.sql,
          `Cannot create table "${statement.database}.${statement.table}"`,
        );
      }
      present = await columnNames(connection, database, table);
    }
    const missing = missingColumns(plan, present);
    if (missing.length > 0) {
      const alter = alterStatements(plan, missing, spec.cluster).join("; then ");
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

/**
 * The names of a table's columns; none when the table does not exist.
 *
 * @param connection The server.
 * @param database The database.
 * @param table The table.
 * @returns The column names, in order.
 * @throws {TuskClickHouseError} When the server cannot be read.
 */
export async function columnNames(
  connection: ClickHouseLink,
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

/**
 * Creates a database unless the server has it (on a cluster: `ON CLUSTER`).
 * Asked first: `CREATE DATABASE IF NOT EXISTS` needs the grant even when the
 * database exists, and most writers have no such grant.
 *
 * @param connection The server.
 * @param database The database.
 * @param cluster The cluster, if any.
 * @returns Whether it was created.
 * @throws {TuskClickHouseError} When the server refuses.
 */
export async function createDatabase(
  connection: ClickHouseLink,
  database: string,
  cluster?: string,
): Promise<boolean> {
  const rows = await connection.select<{ name: string }>(
    `SELECT name FROM system.databases WHERE name = ${quoteString(database)}`,
    `Cannot look up database "${database}"`,
  );
  if (rows.length > 0) return false;
  await connection.command(
    `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)}` +
      (cluster === undefined ? "" : ` ON CLUSTER ${quoteIdentifier(cluster)}`),
    `Cannot create database "${database}"`,
  );
  return true;
}
