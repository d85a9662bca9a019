import type { RetryQueue } from "./_retry_queue.ts";
import type { HeldRows } from "./held_rows.ts";
import type { LineBuffer } from "./line_buffer.ts";

/**
 * What a row waiting for its table's schema is taken to cost, in bytes, in the
 * client's budget: a small object and its copied values, before it is encoded.
 */
export const HELD_ROW_BYTES = 256;

/**
 * Drops a table's oldest rows, in the order they go when memory runs short:
 * those waiting for a retry first (the oldest), then the buffered ones, then
 * those waiting for the schema, until `rows` rows and `chars` characters are
 * freed or nothing is left.
 *
 * @returns What was freed (rows waiting for the schema count `HELD_ROW_BYTES` each).
 */
export function dropOldest(
  retry: RetryQueue,
  lines: LineBuffer,
  held: HeldRows,
  rows: number,
  chars: number,
): { rows: number; chars: number } {
  let freedRows = 0;
  let freedChars = 0;
  if (retry.rows > 0) {
    const freed = retry.dropOldest(rows, chars);
    freedRows += freed.rows;
    freedChars += freed.chars;
  }
  while ((freedRows < rows || freedChars < chars) && lines.rows > 0) {
    freedChars += lines.dropOldest()!.length;
    freedRows++;
  }
  if (freedRows < rows || freedChars < chars) {
    const wanted = Math.max(rows - freedRows, Math.ceil((chars - freedChars) / HELD_ROW_BYTES));
    const dropped = held.dropOldest(wanted);
    freedRows += dropped;
    freedChars += dropped * HELD_ROW_BYTES;
  }
  return { rows: freedRows, chars: freedChars };
}
