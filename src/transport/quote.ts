/**
 * Quotes a ClickHouse identifier (database, table or column name) with
 * backticks, escaping backslashes and backticks, so any name is safe in SQL.
 *
 * @param name The identifier as stored by ClickHouse.
 * @returns The quoted identifier.
 */
export function quoteIdentifier(name: string): string {
  return "`" + name.replace(/[\\`]/g, (c) => "\\" + c) + "`";
}

/**
 * Quotes a string literal for ClickHouse SQL. Used only where old servers have
 * no query parameters (18.x), and never with row values.
 *
 * @param value The literal's text.
 * @returns The quoted literal.
 */
export function quoteString(value: string): string {
  return "'" + value.replace(/[\\']/g, (c) => "\\" + c) + "'";
}
