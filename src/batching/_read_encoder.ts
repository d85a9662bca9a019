import type { ClientSession } from "../client/client_session.ts";
import { TuskError } from "../errors.ts";
import { describeTable } from "../schema/describe_table.ts";
import { RowEncoder } from "../schema/row_encoder.ts";
import type { SchemaPreparation, WriterTable } from "./writer_host.ts";

/**
 * Reads a table's columns and compiles its row encoder, with the session's
 * env-tag values for the `String` columns. Asks again when `init()` replaced
 * the session during the read.
 *
 * @param session The current session, read again after the answer.
 * @param table The table.
 * @param client The client's name, for the error without a session.
 * @param prepare Run before the columns are read (`createTable`).
 * @returns The encoder.
 * @throws {TuskError} Without a session, or when the table cannot be described.
 */
export async function readEncoder(
  session: () => ClientSession | undefined,
  table: WriterTable,
  client: string,
  prepare?: SchemaPreparation,
): Promise<RowEncoder> {
  const current = session();
  const database = table.database ?? current?.options.database ?? "default";
  const name = `${database}.${table.tableName}`;
  if (current === undefined) {
    throw new TuskError(
      `Cannot write to "${name}": client "${client}" is not initialized; call init() first`,
    );
  }
  await prepare?.(current, database, table.tableName);
  const columns = await describeTable(current.connection, database, table.tableName);
  if (current !== session()) return readEncoder(session, table, client, prepare);
  return new RowEncoder(columns, {
    table: name,
    timeColumn: table.timeColumn,
    defaults: current.columnDefaults(
      columns.filter(({ type }) =>
        type.kind === "string" || (type.kind === "low_cardinality" && type.inner.kind === "string")
      ).map((c) => c.name),
    ),
  });
}
