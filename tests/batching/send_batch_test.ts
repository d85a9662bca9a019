import assert from "node:assert/strict";
import { batchOfLines } from "../../src/batching/line_buffer.ts";
import { sendBatch, type SendOutcome, type SendTarget } from "../../src/batching/send_batch.ts";
import { TuskClickHouseError } from "../../src/errors.ts";
import type { Connection } from "../../src/transport/connection.ts";

const BAD = '{"n":"bad"}\n';

/**
 * A server that refuses any insert holding a bad line, as ClickHouse does (a
 * parse error), naming the first bad row (1-based) when `namesRow` is set.
 */
function server(namesRow: boolean): { target: SendTarget; inserts: string[][] } {
  const inserts: string[][] = [];
  const connection = {
    insert(_table: string, rows: string | readonly string[]): Promise<void> {
      const lines = (typeof rows === "string" ? rows : rows.join("")).split(/(?<=\n)/);
      inserts.push(lines);
      const bad = lines.indexOf(BAD);
      if (bad < 0) return Promise.resolve();
      const text = `Code: 27. DB::Exception: Cannot parse input: expected '"' before: 'bad'` +
        (namesRow ? `: (at row ${bad + 1})` : "") + " (CANNOT_PARSE_INPUT_ASSERTION_FAILED)";
      return Promise.reject(
        new TuskClickHouseError({
          action: 'Cannot insert into "db.t"',
          detail: text,
          code: 27,
          status: 400,
          kind: "data",
          retryable: false,
          cause: new Error(text),
        }),
      );
    },
  } as unknown as Connection;
  const target: SendTarget = {
    connection,
    table: "`db`.`t`",
    action: 'Cannot insert into "db.t"',
    settings: {},
    tokens: true,
    signal: new AbortController().signal,
  };
  return { target, inserts };
}

function recorder(): { on: SendOutcome; written: number[]; rejected: string[] } {
  const written: number[] = [];
  const rejected: string[] = [];
  const on: SendOutcome = {
    written: (rows) => void written.push(rows),
    failed: () => {},
    schemaChanged: () => {},
    rejected: (line) => void rejected.push(line),
  };
  return { on, written, rejected };
}

const lines = (n: number, badAt: number[]) =>
  Array.from({ length: n }, (_, i) => (badAt.includes(i) ? BAD : `{"n":${i}}\n`));

Deno.test("sendBatch() splits around the row the server names: four requests for one bad row", async () => {
  const { target, inserts } = server(true);
  const { on, written, rejected } = recorder();
  const left = await sendBatch(target, batchOfLines(lines(1000, [700])), "t", on);
  assert.equal(left, undefined);
  assert.deepEqual(rejected, [BAD]);
  assert.equal(written.reduce((a, b) => a + b, 0), 999, "every good row delivered");
  assert.deepEqual(inserts.map((i) => i.length), [1000, 700, 1, 299]);
});

Deno.test("sendBatch() halves when the server names no row, and gives up only the bad rows", async () => {
  const { target, inserts } = server(false);
  const { on, written, rejected } = recorder();
  const left = await sendBatch(target, batchOfLines(lines(1000, [3, 700])), "t", on);
  assert.equal(left, undefined);
  assert.deepEqual(rejected, [BAD, BAD]);
  assert.equal(written.reduce((a, b) => a + b, 0), 998);
  assert.ok(inserts.length > 20, `halving takes many requests (${inserts.length})`);
});

Deno.test("sendBatch() with named rows delivers every good row whatever the bad rows", async () => {
  const { target, inserts } = server(true);
  const { on, written, rejected } = recorder();
  const bad = [0, 1, 2, 500, 998, 999];
  await sendBatch(target, batchOfLines(lines(1000, bad)), "t", on);
  assert.equal(rejected.length, bad.length);
  assert.equal(written.reduce((a, b) => a + b, 0), 1000 - bad.length);
  assert.ok(inserts.length <= 3 * bad.length + 1, `${inserts.length} requests`);
});

Deno.test("sendBatch() keeps the parts it could not send, each with its own derived token", async () => {
  const { target, inserts } = server(true);
  const real = target.connection.insert.bind(target.connection);
  let calls = 0;
  target.connection = {
    insert(...args: Parameters<Connection["insert"]>): Promise<void> {
      if (++calls === 2) {
        return Promise.reject(
          new TuskClickHouseError({
            action: "x",
            detail: "network error: connection reset",
            status: 0,
            kind: "network",
            retryable: true,
          }),
        );
      }
      return real(...args);
    },
  } as unknown as Connection;
  const { on, written } = recorder();
  const left = await sendBatch(target, batchOfLines(lines(1000, [700])), "t", on);
  assert.equal(written.length, 0);
  assert.equal(left?.error.kind, "network");
  assert.deepEqual(left?.batches.map((b) => [b.token, b.lines.length]), [
    ["t.0", 700],
    ["t.1", 1],
    ["t.2", 299],
  ]);
  assert.equal(inserts.length, 1, "after the failure, nothing more was sent");
});
