import type { Table } from "../table.ts";
import { quoteIdentifier, quoteString } from "../transport/quote.ts";
import type { Features } from "./_features.ts";

/** A column of a layout: its name and type. */
export type ColumnSpec = readonly [name: string, type: string];

/** A table engine: its family (`MergeTree`, `SummingMergeTree`, ...) and arguments. */
export interface Engine {
  family: string;
  args: readonly string[];
}

/** What a `CREATE TABLE` is made of. */
export interface TableParts {
  columns: readonly ColumnSpec[];
  engine: Engine;
  /** The sort key; left out for engines without one (`Distributed`). */
  orderBy?: readonly string[];
  /** The time column the TTL counts from, if any. */
  ttlColumn?: string;
  ttlDays?: number;
}

/** A database (`undefined`: the connection's) and a table's name. */
export interface TableName {
  database: string | undefined;
  table: string;
}

/** One `CREATE TABLE` statement and the table it makes. */
export interface DdlStatement extends TableName {
  sql: string;
}

/** What is appended to a table's name to name its local table on a cluster. */
export const LOCAL_SUFFIX = "_local";

/** What separates the statements of one DDL string. */
export const STATEMENT_SEPARATOR = ";\n\n";

/**
 * `"db.table"`, `"table"` or a `Table`, as database and table.
 *
 * @throws {TypeError} For an empty or malformed name.
 */
export function tableNameOf(table: string | Table): TableName {
  const parts = typeof table === "string"
    ? table.split(".")
    : [...(table.database === undefined ? [] : [table.database]), table.tableName];
  if (parts.length === 0 || parts.length > 2 || parts.some((p) => p === "")) {
    throw new TypeError(
      `Cannot make the DDL of "${String(table)}": expected "db.table" or "table"`,
    );
  }
  return parts.length === 2
    ? { database: parts[0]!, table: parts[1]! }
    : { database: undefined, table: parts[0]! };
}

/**
 * Checks `ttlDays`.
 *
 * @throws {RangeError} For a negative or fractional number.
 */
export function checkTtl(ttlDays: number | undefined, what: string): void {
  if (ttlDays !== undefined && (!Number.isSafeInteger(ttlDays) || ttlDays < 0)) {
    throw new RangeError(`Cannot make the ${what} DDL: ttlDays must be a whole number >= 0`);
  }
}

/** The time type for the server. */
export function timeType(features: Features): string {
  return features.dateTime64 ? "DateTime64(3)" : "DateTime";
}

/** `LowCardinality(String)` where the server has it without settings, else `String`. */
export function labelType(features: Features): string {
  return features.lowCardinality ? "LowCardinality(String)" : "String";
}

function quoted(name: TableName): string {
  return [...(name.database === undefined ? [] : [name.database]), name.table]
    .map(quoteIdentifier).join(".");
}

/**
 * Renders `CREATE TABLE IF NOT EXISTS`; the TTL only where the server has it.
 *
 * @param name The table.
 * @param parts Columns, engine, key and TTL.
 * @param features The server's features.
 * @param cluster With it, `ON CLUSTER`.
 * @returns The statement.
 */
export function createTableSql(
  name: TableName,
  parts: TableParts,
  features: Features,
  cluster?: string,
): string {
  const ttl = features.ttl && parts.ttlColumn !== undefined && (parts.ttlDays ?? 0) > 0
    ? [`TTL toDateTime(${quoteIdentifier(parts.ttlColumn)}) + INTERVAL ${parts.ttlDays} DAY DELETE`]
    : [];
  return [
    `CREATE TABLE IF NOT EXISTS ${quoted(name)}` +
    (cluster === undefined ? "" : ` ON CLUSTER ${quoteIdentifier(cluster)}`),
    "(",
    parts.columns.map(([column, type]) => `    ${quoteIdentifier(column)} ${type}`).join(",\n"),
    ")",
    `ENGINE = ${parts.engine.family}(${parts.engine.args.join(", ")})`,
    ...(parts.orderBy === undefined ? [] : [`ORDER BY (${parts.orderBy.join(", ")})`]),
    ...ttl,
  ].join("\n");
}

/**
 * The statements that make a table: one `CREATE TABLE`; or, on a cluster, a
 * `Replicated*` table named `<table>_local` on every node and a `Distributed`
 * table under the name given, in front of it, both `ON CLUSTER`.
 *
 * @param name The table; on a cluster, its database must be named.
 * @param parts Columns, engine, key and TTL.
 * @param features The server's features.
 * @param cluster The cluster's name in the servers' `<remote_servers>`, if any.
 * @returns The statements, to run in order.
 * @throws {TypeError} For a cluster without a database or with an empty name.
 */
export function ddlStatements(
  name: TableName,
  parts: TableParts,
  features: Features,
  cluster?: string,
): DdlStatement[] {
  if (cluster === undefined) return [{ ...name, sql: createTableSql(name, parts, features) }];
  if (cluster === "") throw new TypeError(`Cannot make the DDL of "${name.table}": empty cluster`);
  const database = name.database;
  if (database === undefined) {
    throw new TypeError(
      `Cannot make the DDL of "${name.table}" for cluster "${cluster}": ` +
        `give the table as "db.table"`,
    );
  }
  const local = { database, table: name.table + LOCAL_SUFFIX };
  const replicated: Engine = {
    family: `Replicated${parts.engine.family}`,
    args: [
      quoteString(`/clickhouse/tables/{shard}/${database}.${local.table}`),
      "'{replica}'",
      ...parts.engine.args,
    ],
  };
  const distributed: Engine = {
    family: "Distributed",
    args: [
      quoteIdentifier(cluster),
      quoteIdentifier(database),
      quoteIdentifier(local.table),
      "rand()",
    ],
  };
  return [
    { ...local, sql: createTableSql(local, { ...parts, engine: replicated }, features, cluster) },
    {
      database,
      table: name.table,
      sql: createTableSql(
        { database, table: name.table },
        { columns: parts.columns, engine: distributed },
        features,
        cluster,
      ),
    },
  ];
}

/** The statements as one string, separated by {@linkcode STATEMENT_SEPARATOR}. */
export function joinStatements(statements: readonly DdlStatement[]): string {
  return statements.map((s) => s.sql).join(STATEMENT_SEPARATOR);
}
