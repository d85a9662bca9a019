import assert from "node:assert/strict";
import { BatchesHeld } from "../../src/batching/batches_held.ts";
import { BufferBudget } from "../../src/batching/buffer_budget.ts";
import type { SendTarget } from "../../src/batching/send_batch.ts";
import { TableBuffer } from "../../src/batching/table_buffer.ts";
import { TableCounts } from "../../src/batching/table_counts.ts";
import { TableSender, type TableSenderOptions } from "../../src/batching/table_sender.ts";
import { TuskClickHouseError } from "../../src/errors.ts";
import { Connection } from "../../src/transport/connection.ts";
import { Endpoints } from "../../src/transport/endpoints.ts";
import { FakeClickHouse } from "../_helpers/fake_clickhouse.ts";

/** Row `n` as an encoded line; every line has the same length. */
const line = (n: number) => `{"n":"${String(n).padStart(6, "0")}"}\n`;
const LINE = line(0).length;
const BAD = '{"n":"bad"}\n';

/**
 * A fake server behind a real Connection, counting the inserts it is asked
 * for: their rows, their deduplication tokens, and how many run at once.
 * `failInsert(i)` makes the i-th insert (1-based) fail at once, as a refused connection does;
 * the others are answered after `delayMs`.
 */
function fakeServer(options: { delayMs?: number; failInsert?: (i: number) => boolean } = {}) {
  const server = new FakeClickHouse([["n", "String"]]);
  server.refuse = (l) => l + "\n" === BAD;
  const tokens: (string | null)[] = [];
  let running = 0;
  let mostRunning = 0;
  let insertCalls = 0;
  const fetchFn: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (!(await request.clone().text()).startsWith("INSERT")) return server.fetch(request);
    tokens.push(url.searchParams.get("insert_deduplication_token"));
    const call = ++insertCalls;
    mostRunning = Math.max(mostRunning, ++running);
    try {
      if (options.failInsert?.(call)) {
        throw new TypeError("error sending request: Connection refused (os error 111)");
      }
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      return await server.fetch(request);
    } finally {
      running--;
    }
  };
  const connection = new Connection({
    url: "http://ch.invalid:8123",
    user: "default",
    password: "",
    database: "db",
    requestTimeoutMs: 5_000,
    fetch: fetchFn,
  });
  const target: Omit<SendTarget, "signal"> = {
    connection,
    table: "`db`.`t`",
    action: 'Cannot insert into "db.t"',
    settings: {},
    tokens: true,
  };
  /** Rows per insert request that reached the server, in order. */
  const inserts = () =>
    server.requests
      .filter((b) => b.startsWith("INSERT"))
      .map((b) => b.split("\n").slice(1).filter((l) => l !== "").length);
  return {
    server,
    target,
    tokens,
    inserts,
    get mostRunning() {
      return mostRunning;
    },
  };
}

function setup(options: Partial<Omit<TableSenderOptions, "buffer" | "counts">> = {}) {
  const budget = new BufferBudget({ maxRows: 1e7, maxChars: 1e10, policy: "drop_oldest" });
  const counts = new TableCounts();
  const buffer = new TableBuffer({
    name: () => "db.t",
    budget,
    counts,
    report: () => {},
    maxBufferedRows: undefined,
  });
  budget.join(buffer);
  const reports: Error[] = [];
  let schemaChanges = 0;
  const sender = new TableSender({
    buffer,
    counts,
    maxBytes: 8 * 1024 * 1024,
    maxInFlight: 2,
    shareRuns: true,
    now: () => Date.UTC(2026, 0, 1),
    report: (error) => void reports.push(error),
    schemaChanged: () => void schemaChanges++,
    ...options,
  });
  const push = (from: number, to: number) => {
    for (let n = from; n < to; n++) buffer.push(line(n));
  };
  return {
    budget,
    counts,
    buffer,
    sender,
    reports,
    push,
    get schemaChanges() {
      return schemaChanges;
    },
  };
}

Deno.test("TableSender.drain(upTo) sends until the rows numbered below upTo have settled", async (t) => {
  await t.step("every row below upTo is acknowledged; later rows may wait", async () => {
    const { target, server, inserts } = fakeServer();
    const { sender, buffer, counts, push } = setup({ maxBytes: 3 * LINE, maxInFlight: 1 });
    push(0, 12);
    await sender.drain(5, target);
    assert.deepEqual(inserts(), [3, 3], "rows 0..5: two batches of maxBytes");
    assert.deepEqual(server.lines, [0, 1, 2, 3, 4, 5].map((n) => line(n).trimEnd()));
    assert.equal(counts.written, 6);
    assert.equal(buffer.lowestUnsettled, 6);
    assert.equal(buffer.bufferedRows, 6, "rows 6..11 were not asked for");
  });
  await t.step("all of them, and the budget is emptied", async () => {
    const { target, server } = fakeServer();
    const { sender, buffer, counts, budget, push } = setup();
    push(0, 100);
    await sender.drain(buffer.entered, target);
    assert.equal(server.lines.length, 100);
    assert.equal(counts.written, 100);
    assert.equal(buffer.pending, 0);
    assert.equal(budget.rows, 0);
    assert.equal(budget.chars, 0);
  });
  await t.step("nothing below upTo unsettled: no request", async () => {
    const { target, server } = fakeServer();
    const { sender, push } = setup();
    await sender.drain(0, target);
    push(0, 3);
    await sender.drain(0, target);
    assert.equal(server.requests.length, 0);
  });
  await t.step(
    "rows held for the schema are not sent, and drain does not wait for them",
    async () => {
      const { target, server } = fakeServer();
      const { sender, buffer } = setup();
      buffer.hold({ row: { n: "1" }, time: 0 });
      await sender.drain(buffer.entered, target);
      assert.equal(server.requests.length, 0);
      assert.equal(buffer.heldRows, 1);
    },
  );
  await t.step("a row the server refuses on its own is given up and reported", async () => {
    const { target, server } = fakeServer();
    const { sender, buffer, counts, reports, push } = setup();
    push(0, 5);
    buffer.push(BAD);
    push(6, 10);
    await sender.drain(buffer.entered, target);
    assert.equal(server.lines.length, 9);
    assert.equal(counts.written, 9);
    assert.deepEqual(counts.dropped, { rejected: 1 });
    assert.equal(buffer.lowestUnsettled, 10);
    assert.equal(reports.length, 1);
    assert.match(reports[0]!.message, /rejected row: \{"n":"bad"\}$/);
  });
});

Deno.test("TableSender.drain() keeps at most maxInFlight inserts in flight at once", async (t) => {
  for (const maxInFlight of [1, 2, 3]) {
    await t.step(`maxInFlight ${maxInFlight}`, async () => {
      const fake = fakeServer({ delayMs: 15 });
      const { sender, buffer, counts, push } = setup({ maxBytes: 10 * LINE, maxInFlight });
      push(0, 100);
      await sender.drain(buffer.entered, fake.target);
      assert.equal(fake.inserts().length, 10);
      assert.equal(counts.written, 100);
      assert.equal(fake.mostRunning, maxInFlight);
    });
  }
});

Deno.test("TableSender.drain() grows batches up to maxBytes while rows back up", async (t) => {
  await t.step(
    "one insert carries every backed-up row (more than a maxRows of 10,000)",
    async () => {
      const { target, inserts } = fakeServer();
      const { sender, buffer, push } = setup();
      push(0, 25_000);
      await sender.drain(buffer.entered, target);
      assert.deepEqual(inserts(), [25_000]);
    },
  );
  await t.step("no insert carries more than maxBytes", async () => {
    const { target, inserts } = fakeServer();
    const { sender, buffer, push } = setup({ maxBytes: 10_000 * LINE, maxInFlight: 1 });
    push(0, 25_000);
    await sender.drain(buffer.entered, target);
    assert.deepEqual(inserts(), [10_000, 10_000, 5_000]);
  });
});

Deno.test("TableSender.drain() puts a failed insert's rows back for a retry with the same token", async (t) => {
  await t.step("drain rejects, and the next drain delivers the rows once", async () => {
    let down = true;
    const fake = fakeServer({ failInsert: () => down });
    const { sender, buffer, counts, push } = setup();
    push(0, 10);
    const error = await sender.drain(buffer.entered, fake.target).then(
      () => assert.fail("drain should reject"),
      (e) => e,
    );
    assert.ok(error instanceof TuskClickHouseError);
    assert.equal(error.kind, "network");
    assert.equal(buffer.retrying, true);
    assert.equal(buffer.pending, 10);
    assert.equal(buffer.lowestUnsettled, 0);
    assert.equal(counts.failedBatches, 1);
    assert.equal(counts.written, 0);
    assert.match(counts.lastError ?? "", /Cannot insert into "db.t"/);
    assert.equal(fake.server.lines.length, 0);

    down = false;
    await sender.drain(buffer.entered, fake.target);
    assert.equal(fake.server.lines.length, 10);
    assert.equal(counts.written, 10);
    assert.equal(counts.retried, 10);
    assert.equal(buffer.pending, 0);
    assert.equal(fake.tokens.length, 2);
    assert.ok(fake.tokens[0], "the insert carries a token");
    assert.equal(fake.tokens[1], fake.tokens[0], "the retry carries the same token");
  });
  await t.step("no new insert starts after a failure; the others finish", async () => {
    const fake = fakeServer({ delayMs: 10, failInsert: (i) => i === 1 });
    const { sender, buffer, counts, push } = setup({ maxBytes: 10 * LINE, maxInFlight: 2 });
    push(0, 40);
    await assert.rejects(sender.drain(buffer.entered, fake.target), TuskClickHouseError);
    assert.equal(fake.tokens.length, 2, "two inserts were under way; no third started");
    assert.equal(counts.written, 10, "the second batch was delivered");
    assert.equal(buffer.retrying, true);
    assert.equal(buffer.bufferedRows, 20);
    assert.equal(buffer.lowestUnsettled, 0);
    assert.equal(counts.received, counts.written + buffer.pending + counts.droppedTotal);
  });
  await t.step("retries go before fresh rows", async () => {
    let down = true;
    const fake = fakeServer({ failInsert: () => down });
    const { sender, buffer, push } = setup({ maxInFlight: 1 });
    push(0, 3);
    await assert.rejects(sender.drain(buffer.entered, fake.target));
    push(3, 6);
    down = false;
    await sender.drain(buffer.entered, fake.target);
    assert.deepEqual(fake.inserts(), [3, 3]);
    assert.deepEqual(fake.server.lines.slice(0, 3), [0, 1, 2].map((n) => line(n).trimEnd()));
  });
});

Deno.test("TableSender.drain() with shareRuns lets a second drain join the run under way", async (t) => {
  await t.step("one run: the same promise, its target raised, one insert at a time", async () => {
    const fake = fakeServer({ delayMs: 10 });
    const { sender, buffer, counts, push } = setup({
      maxBytes: 2 * LINE,
      maxInFlight: 1,
      shareRuns: true,
    });
    push(0, 4);
    const first = sender.drain(buffer.entered, fake.target);
    push(4, 8);
    const second = sender.drain(buffer.entered, fake.target);
    assert.equal(second, first, "the second caller is given the run under way");
    await first;
    assert.equal(counts.written, 8, "the run covered the second caller's rows too");
    assert.equal(buffer.lowestUnsettled, 8);
    assert.equal(fake.mostRunning, 1, "one run: never two inserts at once");
    assert.deepEqual(fake.inserts(), [2, 2, 2, 2]);
  });
  await t.step("a drain after the run ended starts a new run", async () => {
    const fake = fakeServer();
    const { sender, buffer, push } = setup({ shareRuns: true });
    push(0, 2);
    const first = sender.drain(buffer.entered, fake.target);
    await first;
    push(2, 4);
    const second = sender.drain(buffer.entered, fake.target);
    assert.notEqual(second, first);
    await second;
    assert.equal(fake.server.lines.length, 4);
  });
  await t.step("without shareRuns each drain runs on its own", async () => {
    const fake = fakeServer({ delayMs: 10 });
    const { sender, buffer, counts, push } = setup({
      maxBytes: 2 * LINE,
      maxInFlight: 1,
      shareRuns: false,
    });
    push(0, 8);
    const first = sender.drain(buffer.entered, fake.target);
    const second = sender.drain(buffer.entered, fake.target);
    assert.notEqual(second, first);
    await Promise.all([first, second]);
    assert.equal(counts.written, 8);
    assert.equal(fake.mostRunning, 2, "two runs, one insert each at a time");
  });
});

Deno.test("TableSender.busy and nextLanding() follow the inserts in flight", async () => {
  const fake = fakeServer({ delayMs: 10 });
  const { sender, buffer, push } = setup();
  assert.equal(sender.busy, false);
  await sender.nextLanding(); // nothing in flight: resolves at once
  push(0, 3);
  const drained = sender.drain(buffer.entered, fake.target);
  assert.equal(sender.busy, true);
  await sender.nextLanding();
  assert.equal(sender.busy, false);
  assert.equal(buffer.lowestUnsettled, 3);
  await drained;
});

Deno.test("TableSender.drain(upTo) sends a row below upTo when a later held row was refused by the schema", async () => {
  // A flush starts when row 0 has entered (upTo 1); rows 1 and 2 are written
  // before the schema arrives, and row 2 does not fit it.
  const { target, server } = fakeServer();
  const { sender, buffer, counts } = setup();
  for (let n = 0; n < 3; n++) buffer.hold({ row: { n }, time: 0 });
  buffer.release(({ row }) => {
    if (row.n === 2) throw new TypeError("does not fit");
    return line(row.n as number);
  });
  await sender.drain(1, target);
  assert.equal(server.lines[0], line(0).trimEnd(), "row 0 was sent");
  assert.ok(counts.written >= 1, `row 0 acknowledged (written: ${counts.written})`);
  assert.ok(buffer.lowestUnsettled >= 1);
});

/**
 * Two shards behind real Endpoints: shard 0 (`a`) never answers (its inserts time out, so they
 * may have been stored there) until `a.up = true`; shard 1 (`b`) takes everything. The clock is
 * the test's.
 */
function twoShards() {
  const clock = { ms: Date.UTC(2026, 0, 1) };
  const a = { up: false, inserts: [] as { body: string; token: string | null }[] };
  const b = new FakeClickHouse([["n", "String"]]);
  const fetchFn: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.hostname === "b.invalid") return await b.fetch(request);
    const body = await request.text();
    if (body.startsWith("INSERT")) {
      a.inserts.push({ body, token: url.searchParams.get("insert_deduplication_token") });
    }
    if (a.up) return new Response(url.pathname === "/ping" ? "Ok.\n" : "");
    return await new Promise<Response>((_, reject) => {
      const socket = setTimeout(() => {}, 60_000); // an open socket keeps the loop alive
      init?.signal?.addEventListener("abort", () => {
        clearTimeout(socket);
        reject(init.signal!.reason);
      }, { once: true });
    });
  };
  const endpoints = new Endpoints({
    shards: [["http://a.invalid:8123"], ["http://b.invalid:8123"]],
    loadBalancing: "round_robin",
    connection: {
      user: "default",
      password: "",
      database: "db",
      requestTimeoutMs: 60,
      fetch: fetchFn,
      report: () => {},
    },
    now: () => clock.ms,
  });
  const target: Omit<SendTarget, "signal"> = {
    connection: endpoints,
    table: "`db`.`t`",
    action: 'Cannot insert into "db.t"',
    settings: {},
    tokens: true,
  };
  return { clock, a, b, endpoints, target };
}

Deno.test("TableSender.drain() holds a batch for its shard that is down and sends the rest", async (t) => {
  await t.step("the run sends the other batches, then rejects with BatchesHeld", async () => {
    const { clock, a, b, endpoints, target } = twoShards();
    const { sender, buffer, counts, push } = setup({
      maxBytes: 3 * LINE,
      maxInFlight: 1,
      now: () => clock.ms,
    });
    push(0, 12);
    const held = await sender.drain(buffer.entered, target).then(
      () => assert.fail("drain should reject"),
      (e) => e,
    );
    assert.ok(held instanceof BatchesHeld, `got ${held}`);
    assert.ok(held.failure instanceof TuskClickHouseError);
    assert.equal(held.failure.kind, "timeout");
    assert.equal(a.inserts.length, 1, "one batch went to shard 0 and timed out");
    assert.equal(b.lines.length, 9, "the other three batches went to shard 1");
    assert.equal(counts.written, 9);
    assert.equal(buffer.pending, 3, "the held batch waits");
    assert.equal(held.until, endpoints.heldUntil(a.inserts[0]!.token!));
    assert.ok(held.until > clock.ms);
  });
  await t.step("the held batch goes back to its shard, same body and token, once due", async () => {
    const { clock, a, b, target } = twoShards();
    const { sender, buffer, counts, push } = setup({
      maxBytes: 3 * LINE,
      maxInFlight: 1,
      now: () => clock.ms,
    });
    push(0, 6);
    const held = await sender.drain(buffer.entered, target).then(() => undefined, (e) => e);
    assert.ok(held instanceof BatchesHeld, `got ${held}`);
    a.up = true;
    clock.ms = held.until;
    await sender.drain(buffer.entered, target);
    assert.equal(a.inserts.length, 2);
    assert.equal(a.inserts[1]!.body, a.inserts[0]!.body, "the same rows in the same order");
    assert.equal(a.inserts[1]!.token, a.inserts[0]!.token, "the same token");
    assert.equal(b.lines.length, 3);
    assert.equal(counts.written, 6);
    assert.equal(buffer.pending, 0);
  });
  await t.step("before it is due, the held batch is not sent; fresh rows are", async () => {
    const { clock, a, b, target } = twoShards();
    const { sender, buffer, push } = setup({
      maxBytes: 3 * LINE,
      maxInFlight: 1,
      now: () => clock.ms,
    });
    push(0, 3);
    await sender.drain(buffer.entered, target).then(() => undefined, (e) => e);
    push(3, 6);
    await sender.drain(buffer.entered, target).catch(() => {});
    assert.equal(a.inserts.length, 1, "not sent again before its shard is due");
    assert.equal(b.lines.length, 3, "the fresh rows went to the other shard");
    assert.equal(buffer.pending, 3);
  });
});

Deno.test({
  name: "TableSender.drain() does not resolve while a batch below upTo is held for its shard",
  fn: async () => {
    const { clock, target } = twoShards();
    const { sender, buffer, push } = setup({ maxBytes: 3 * LINE, now: () => clock.ms });
    push(0, 3);
    await sender.drain(buffer.entered, target).then(() => undefined, (e) => e);
    const again = await sender.drain(buffer.entered, target).then(() => "resolved", (e) => e);
    assert.ok(again instanceof BatchesHeld, `got ${again}`);
  },
});
