import assert from "node:assert/strict";
import { batchOfLines } from "../../src/batching/line_buffer.ts";
import { sendBatch, type SendOutcome, type SendTarget } from "../../src/batching/send_batch.ts";
import { Connection } from "../../src/transport/connection.ts";
import { FakeClickHouse } from "../_helpers/fake_clickhouse.ts";

const BAD = '{"n":"bad"}\n';

/** A fake server refusing the bad lines, reached through a real Connection. */
function target(namesRow: boolean, fetchFn?: (base: typeof fetch) => typeof fetch) {
  const server = new FakeClickHouse([["n", "UInt32"]]);
  server.refuse = (line) => line + "\n" === BAD;
  server.namesRow = namesRow;
  const to: SendTarget = {
    connection: new Connection({
      url: "http://ch.invalid:8123",
      user: "default",
      password: "",
      database: "db",
      requestTimeoutMs: 5_000,
      fetch: fetchFn ? fetchFn(server.fetch) : server.fetch,
    }),
    table: "`db`.`t`",
    action: 'Cannot insert into "db.t"',
    settings: {},
    tokens: true,
    signal: new AbortController().signal,
  };
  // Rows per insert request, in order.
  const inserts = () =>
    server.requests
      .filter((b) => b.startsWith("INSERT"))
      .map((b) => b.split("\n").slice(1).filter((line) => line !== "").length);
  return { to, server, inserts };
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
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

Deno.test("sendBatch() splits around the row the server names: four requests for one bad row", async () => {
  const { to, server, inserts } = target(true);
  const { on, written, rejected } = recorder();
  const left = await sendBatch(to, batchOfLines(lines(1000, [700])), "t", on);
  assert.equal(left, undefined);
  assert.deepEqual(rejected, [BAD]);
  assert.equal(sum(written), 999, "every good row delivered");
  assert.equal(server.lines.length, 999);
  assert.deepEqual(inserts(), [1000, 700, 1, 299]);
});

Deno.test("sendBatch() halves when the server names no row, and gives up only the bad rows", async () => {
  const { to, server, inserts } = target(false);
  const { on, written, rejected } = recorder();
  const left = await sendBatch(to, batchOfLines(lines(1000, [3, 700])), "t", on);
  assert.equal(left, undefined);
  assert.deepEqual(rejected, [BAD, BAD]);
  assert.equal(sum(written), 998);
  assert.equal(server.lines.length, 998);
  assert.ok(inserts().length > 20, `halving takes many requests (${inserts().length})`);
});

Deno.test("sendBatch() with named rows delivers every good row whatever the bad rows", async () => {
  const { to, server, inserts } = target(true);
  const { on, written, rejected } = recorder();
  const bad = [0, 1, 2, 500, 998, 999];
  await sendBatch(to, batchOfLines(lines(1000, bad)), "t", on);
  assert.equal(rejected.length, bad.length);
  assert.equal(sum(written), 1000 - bad.length);
  assert.equal(server.lines.length, 1000 - bad.length);
  assert.ok(inserts().length <= 3 * bad.length + 1, `${inserts().length} requests`);
});

Deno.test("sendBatch() keeps the parts it could not send, each with its own derived token", async () => {
  let calls = 0;
  // The second request (the first part) never gets an answer: the connection drops.
  const dropSecond = (base: typeof fetch): typeof fetch => (input, init) => {
    if (++calls === 2) return Promise.reject(new TypeError("connection reset"));
    return base(input, init);
  };
  const { to, inserts } = target(true, dropSecond);
  const { on, written } = recorder();
  const left = await sendBatch(to, batchOfLines(lines(1000, [700])), "t", on);
  assert.equal(written.length, 0);
  assert.equal(left?.error.kind, "network");
  assert.deepEqual(left?.batches.map((b) => [b.token, b.lines.length, b.first]), [
    ["t.0", 700, 0],
    ["t.1", 1, 700],
    ["t.2", 299, 701],
  ], "each part: its token, its rows, and where it starts in the batch");
  assert.deepEqual(inserts(), [1000], "after the failure, nothing more was sent");
});
