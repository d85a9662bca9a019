import { TuskClickHouseError } from "../errors.ts";
import type { ClickHouseLink } from "../transport/connection.ts";
import { quoteString } from "../transport/quote.ts";
import type { ColumnType } from "./column_type.ts";
import { parseType } from "./parse_type.ts";

/** One insertable column of a table, as `system.columns` describes it. */
export interface ColumnInfo {
  /** The column's name. */
  name: string;
  /** The type as ClickHouse prints it. */
  typeText: string;
  /** The parsed type. */
  type: ColumnType;
}

interface ColumnRow {
  name: string;
  type: string;
  default_kind: string;
}

/**
 * Reads a table's insertable columns, in table order, from `system.columns`
 * (literals quoted: 18.x servers have no query parameters). `MATERIALIZED` and
 * `ALIAS` columns are left out: a server computes them.
 *
 * @param connection The server.
 * @param database The database.
 * @param table The table.
 * @returns The columns.
 * @throws {TuskClickHouseError} When the table does not exist or the query fails.
 */
export async function describeTable(
  connection: Pick<ClickHouseLink, "select">,
  database: string,
  table: string,
): Promise<ColumnInfo[]> {
  const action = `Cannot read the columns of "${database}.${table}"`;
  // No columns is this server's answer that it lacks the table: thrown within the request, so
  // that with several endpoints the next one is asked, as for a server's own UNKNOWN_TABLE.
  const rows = await connection.select<ColumnRow>(
    "SELECT name, type, default_kind FROM system.columns" +
      ` WHERE database = ${quoteString(database)} AND table = ${quoteString(table)}`,
    action,
    (found) => {
      if (found.length > 0) return;
      throw new TuskClickHouseError({
        action,
        detail: "the table does not exist (or this user cannot see it)",
        code: 60,
        type: "UNKNOWN_TABLE",
        status: 200,
        kind: "schema",
        retryable: false,
      });
    },
  );
  return rows
    .filter((row) => row.default_kind !== "MATERIALIZED" && row.default_kind !== "ALIAS")
    .map((row) => ({ name: row.name, typeText: row.type, type: parseType(row.type) }));
}
