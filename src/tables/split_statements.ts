import { STATEMENT_SEPARATOR } from "./_ddl_parts.ts";

/**
 * Splits what a `*TableDdl` function returns into its statements, each
 * without a trailing `;`, to send one by one (ClickHouse's HTTP interface
 * takes one statement per request). Without `cluster` there is one statement;
 * with it, the `Replicated*` local table first, then the `Distributed` table.
 *
 * @param ddl The statements, separated by `";\n\n"` (a trailing `;` is allowed).
 * @returns The statements, in order; none for blank text.
 *
 * @example
 * ```ts
 * import { heartbeatsTableDdl, splitStatements } from "@tusk/clickhouse/tables";
 * const ddl = heartbeatsTableDdl("maintenance.heartbeats", { cluster: "tusk" });
 * for (const statement of splitStatements(ddl)) console.log(statement);
 * ```
 */
export function splitStatements(ddl: string): string[] {
  return ddl.split(STATEMENT_SEPARATOR)
    .map((statement) => statement.trim().replace(/;$/, "").trim())
    .filter((statement) => statement !== "");
}
