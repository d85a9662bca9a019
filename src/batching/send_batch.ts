import { TuskClickHouseError } from "../errors.ts";
import type { ClickHouseLink, Settings } from "../transport/connection.ts";
import type { SentBatch } from "./_retry_queue.ts";
import { batchOfLines, charsOf, type RowBatch } from "./line_buffer.ts";

/** Where and how a batch is sent. */
export interface SendTarget {
  /** The server, or servers. */
  connection: ClickHouseLink;
  /** The quoted table name, e.g. `` `db`.`cpu` ``. */
  table: string;
  /** The error messages' action, e.g. `Cannot insert into "db.cpu"`. */
  action: string;
  /** Settings for the insert. */
  settings: Settings;
  /** Whether the server takes `insert_deduplication_token`. */
  tokens: boolean;
  /** Aborts the request (a closing client that ran out of time). */
  signal: AbortSignal;
}

/** What happened to each part of a batch, told to its writer as it happens. */
export interface SendOutcome {
  /** These rows were acknowledged. */
  written(rows: number, chars: number): void;
  /** A request failed (each attempt, including those of the parts of a split batch). */
  failed(error: TuskClickHouseError): void;
  /** The server no longer matches the schema the rows were encoded for. */
  schemaChanged(): void;
  /** The server refused this row on its own: it is given up. */
  rejected(line: string, error: TuskClickHouseError): void;
}

/** What could not be delivered and must wait for a retry. */
export interface Undelivered {
  /** Why. */
  error: TuskClickHouseError;
  /** The parts still to send, each with its deduplication token. */
  batches: SentBatch[];
}

/**
 * Sends one batch. When the server rejects its data, splits it until the bad
 * rows stand alone, delivers the rest and gives up only those. Where the
 * server names the row (`(at row N)`, as 18.16 and 26.7 do for a parse error), the
 * batch is split around it: the rows before, that row alone, the rows after;
 * otherwise it is halved. Parts carry tokens derived from their batch's
 * (`<token>.0`, `<token>.1`, `<token>.2`), so retrying a part is as idempotent
 * as retrying the whole.
 *
 * @param to Where and how.
 * @param batch The rows; cut into lines only if the server refuses them.
 * @param token The batch's deduplication token.
 * @param on Told what happened to each part.
 * @param offset Where this batch starts within the batch first sent (for its parts).
 * @returns The parts left for a retry, or `undefined` when nothing is left; each
 * part's `first` is its position within the batch first sent.
 */
export async function sendBatch(
  to: SendTarget,
  batch: RowBatch,
  token: string,
  on: SendOutcome,
  offset = 0,
): Promise<Undelivered | undefined> {
  const settings = to.tokens ? { ...to.settings, insert_deduplication_token: token } : to.settings;
  const { rows, chars } = batch;
  try {
    await to.connection.insert(to.table, batch.pieces(), to.action, settings, to.signal, token);
    on.written(rows, chars);
    return undefined;
  } catch (error) {
    if (!(error instanceof TuskClickHouseError)) throw error;
    on.failed(error);
    const lines = batch.lines();
    if (!isRowProblem(error)) {
      return { error, batches: [{ lines, start: 0, chars, token, first: offset }] };
    }
    if (error.kind === "schema") on.schemaChanged();
    if (lines.length === 1) {
      on.rejected(lines[0]!, error);
      return undefined;
    }
    let undelivered: Undelivered | undefined;
    const parts = splitAround(lines, error.row);
    let at = offset;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const partToken = `${token}.${i}`;
      if (undelivered !== undefined) {
        // An earlier part could not be sent: the rest wait for the retry unsent.
        undelivered.batches.push({
          lines: part,
          start: 0,
          chars: charsOf(part),
          token: partToken,
          first: at,
        });
      } else {
        undelivered = await sendBatch(to, batchOfLines(part), partToken, on, at);
      }
      at += part.length;
    }
    return undelivered;
  }
}

// The parts to send again: around the row the server named (1-based), or halves.
function splitAround(lines: string[], row: number | undefined): string[][] {
  if (row !== undefined && row >= 1 && row <= lines.length) {
    const at = row - 1;
    return [lines.slice(0, at), [lines[at]!], lines.slice(at + 1)].filter((p) => p.length > 0);
  }
  const middle = lines.length >> 1;
  return [lines.slice(0, middle), lines.slice(middle)];
}

// Data the server cannot parse or store, or a column that is no longer there:
// the fault is in some rows, not in the connection or the table as a whole.
function isRowProblem(error: TuskClickHouseError): boolean {
  if (error.kind === "data") return true;
  return error.kind === "schema" && error.code !== 60 && error.code !== 81;
}
