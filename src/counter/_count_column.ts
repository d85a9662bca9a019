// Which column receives a counter's sums, found once per schema.
import { TuskValidationError } from "../errors.ts";
import { isIntegerType, unwrapType } from "../schema/column_type.ts";
import type { RowEncoder } from "../schema/row_encoder.ts";

/** The column that holds the count. */
export interface CountColumn {
  /** Its name. */
  readonly name: string;
  /** Whether it stores negative numbers (`Int*`), so negative increments are allowed. */
  readonly signed: boolean;
}

/**
 * Finds the count column: the one named, else the first `Int*`/`UInt*` column.
 *
 * @param encoder The table's encoder.
 * @param wanted The `countColumn` option, if given.
 * @returns The column.
 * @throws {TuskValidationError} When the named column is missing or not an integer, or no
 * integer column exists.
 */
export function findCountColumn(encoder: RowEncoder, wanted: string | undefined): CountColumn {
  const columns = encoder.columns;
  const column = wanted === undefined
    ? columns.find((c) => isIntegerType(c.type))
    : columns.find((c) => c.name === wanted);
  const list = columns.map((c) => c.name).join(", ");
  if (column === undefined) {
    throw new TuskValidationError({
      table: encoder.table,
      column: wanted,
      reason: wanted === undefined
        ? `no Int* or UInt* column to hold the count; pass countColumn (columns: ${list})`
        : `the count column does not exist (columns: ${list})`,
    });
  }
  const type = unwrapType(column.type);
  if (type.kind !== "int") {
    throw new TuskValidationError({
      table: encoder.table,
      column: column.name,
      reason: `the count column must be Int* or UInt*, not ${column.typeText}`,
    });
  }
  return { name: column.name, signed: type.signed };
}
