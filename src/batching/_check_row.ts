import { describeKind } from "../schema/describe_kind.ts";
import { isPlainRecord } from "../schema/plain_record.ts";

/**
 * Refuses anything but a plain record as a row: an object whose prototype is
 * `Object.prototype` (of any realm) or `null`. A `Map`, an array or a class
 * instance would otherwise pass as an object with no columns and store a row
 * of defaults.
 *
 * @param table The table, whose name (read only for the message) says where.
 * @param row What the caller passed to `write`.
 * @throws {TypeError} When `row` is not a plain record, naming the table and what was given.
 */
export function checkRow(table: { readonly name: string }, row: unknown): void {
  if (isPlainRecord(row)) return;
  throw new TypeError(
    `Cannot write to "${table.name}": a row must be a plain object ({ column: value }), got ${
      describeKind(row)
    }`,
  );
}
