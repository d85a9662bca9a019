import { TuskValidationError } from "../errors.ts";
import type { TableWriter } from "./table_writer.ts";

/**
 * Writes every row of `rows` into `writer`, never dropping one: while the
 * client's budget or the table's buffer is full, it waits for inserts to make
 * room (starting them if none runs), and between batches it lets them travel.
 * The schema is read first (waiting while ClickHouse is away), so each row
 * is checked as it is written.
 *
 * @param writer The table's writer.
 * @param rows The rows, in order.
 * @throws {TuskValidationError} For the first row the table cannot hold, after
 * the rows before it were taken; its message says which row it was.
 * @throws {TuskError} When the table's schema cannot be read for good (a
 * missing table, no access).
 */
export async function writeAll(
  writer: TableWriter,
  rows:
    | Iterable<Readonly<Record<string, unknown>>>
    | AsyncIterable<Readonly<Record<string, unknown>>>,
): Promise<void> {
  const delivery = writer.delivery;
  await delivery.schemaWhenReachable();
  let index = 0;
  const put = (row: Readonly<Record<string, unknown>>): void => {
    try {
      writer.write(row);
    } catch (error) {
      throw error instanceof TuskValidationError
        ? new TuskValidationError({
          table: error.table,
          column: error.column,
          value: error.value,
          reason: `${error.reason} (row ${index} of writeAll)`,
        })
        : error;
    }
    index++;
  };
  let sinceTurn = 0;
  // Between batches, one turn of the event loop lets the inserts under way travel.
  const turn = (): Promise<void> | undefined => {
    if (++sinceTurn < TURN_EVERY || !delivery.sending) return undefined;
    sinceTurn = 0;
    return new Promise((resolve) => setTimeout(resolve, 0));
  };
  if (Symbol.iterator in rows) {
    for (const row of rows) {
      if (!writer.delivery.hasRoom) await makeRoom(writer);
      put(row);
      const waiting = turn();
      if (waiting !== undefined) await waiting;
    }
  } else {
    for await (const row of rows) {
      if (!writer.delivery.hasRoom) await makeRoom(writer);
      put(row);
      await turn();
    }
  }
}

/** Rows written between two turns of the event loop while inserts are under way. */
const TURN_EVERY = 10_000;

/**
 * A `WritableStream` of rows into `writer`, with backpressure: a write waits
 * while the buffer is full, and closing the stream flushes the table.
 *
 * @param writer The table's writer.
 * @returns The stream.
 */
export function writableOf(writer: TableWriter): WritableStream<Readonly<Record<string, unknown>>> {
  return new WritableStream({
    start: () => writer.delivery.schemaWhenReachable().then(() => {}),
    async write(row) {
      if (!writer.delivery.hasRoom) await makeRoom(writer);
      writer.write(row);
    },
    close: () => writer.flush(),
  });
}

async function makeRoom(writer: TableWriter): Promise<void> {
  do await writer.delivery.waitForRoom(); while (!writer.delivery.hasRoom);
}
