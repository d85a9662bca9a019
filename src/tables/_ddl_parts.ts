import type { Table } from "../table.ts";
import { quoteIdentifier } from "../transport/quote.ts";
import type { Features } from "./_features.ts";

/** A column of a layout: its name and type. */
export type ColumnSpec = readonly [name: string, type: string];

/** What a `CREATE TABLE` is made of. */
export interface TableParts {
  columns: readonly ColumnSpec[];
  engine: string;
  orderBy: readonly string[];
  /** The time column the TTL counts from, if any. */
  ttlColumn?: string;
  ttlDays?: number;
}

/**
 * `"db.table"`, `"table"` or a `Table`, quoted.
 *
 * @param table The table.
 * @returns `` `db`.`table` `` or `` `table` ``.
 * @throws {TypeError} For an empty name.
 */
export function quotedTable(table: string | Table): string {
  const parts = typeof table === "string"
    ? table.split(".")
    : [...(table.database === undefined ? [] : [table.database]), table.tableName];
  if (parts.length === 0 || parts.length > 2 || parts.some((p) => p === "")) {
    throw new TypeError(
      `Cannot make the DDL of "${String(table)}": expected "db.table" or "table"`,
    );
  }
  return parts.map(quoteIdentifier).join(".");
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

/**
 * Renders `CREATE TABLE IF NOT EXISTS`; the TTL only where the server has it.
 *
 * @param name The quoted table name.
 * @param parts Columns, engine, key and TTL.
 * @param features The server's features.
 * @returns The statement.
 */
export function createTableSql(name: string, parts: TableParts, features: Features): string {
  const ttl = features.ttl && parts.ttlColumn !== undefined && (parts.ttlDays ?? 0) > 0
    ? [`TTL toDateTime(${quoteIdentifier(parts.ttlColumn)}) + INTERVAL ${parts.ttlDays} DAY DELETE`]
    : [];
  return [
    `CREATE TABLE IF NOT EXISTS ${name}`,
    "(",
    parts.columns.map(([column, type]) => `    ${quoteIdentifier(column)} ${type}`).join(",\n"),
    ")",
    `ENGINE = ${parts.engine}`,
    `ORDER BY (${parts.orderBy.join(", ")})`,
    ...ttl,
  ].join("\n");
}
