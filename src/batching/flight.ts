import type { RowBatch } from "./line_buffer.ts";

/** Rows taken from the buffer for one insert request, until they settle. */
export interface Flight {
  /** The rows, as sent. */
  readonly batch: RowBatch;
  /** The deduplication token the rows carry on every attempt. */
  readonly token: string;
  /** The entry number of the first row (see `TableBuffer.lowestUnsettled`). */
  readonly first: number;
  /** Rows of the batch not yet acknowledged, refused or put back. */
  rows: number;
  /** Characters of those rows. */
  chars: number;
  /** Given up or taken back: what happens to the request no longer counts. */
  settled: boolean;
  /** When the run sending it last showed it was alive (epoch ms; see `TableSender`). */
  alive: number;
}

/**
 * A new flight of `batch`, none of its rows settled yet, alive now.
 *
 * @param batch The rows.
 * @param token Their deduplication token.
 * @param first The entry number of the first row.
 * @returns The flight.
 */
export function newFlight(batch: RowBatch, token: string, first: number): Flight {
  return {
    batch,
    token,
    first,
    rows: batch.rows,
    chars: batch.chars,
    settled: false,
    alive: Date.now(),
  };
}
