import assert from "node:assert/strict";
import { readEncoder } from "../../src/batching/_read_encoder.ts";
import { BufferBudget } from "../../src/batching/buffer_budget.ts";
import { TableBuffer } from "../../src/batching/table_buffer.ts";
import { TableCounts } from "../../src/batching/table_counts.ts";
import { TableDelivery } from "../../src/batching/table_delivery.ts";
import { TableSchema } from "../../src/batching/table_schema.ts";
import { TableSender } from "../../src/batching/table_sender.ts";
import type { BatchLimits, WriterHost, WriterTable } from "../../src/batching/writer_host.ts";
import { ClientSession } from "../../src/client/client_session.ts";
import { resolveOptions } from "../../src/client/options.ts";
import { TuskClickHouseError } from "../../src/errors.ts";
import type { Clock } from "../../src/runtime/clock.ts";
import { FakeClock } from "../../src/runtime/fake_clock.ts";
import { FakeClickHouse } from "../_helpers/fake_clickhouse.ts";

const T0 = Date.UTC(2026, 0, 1);

/** Row `n` as an encoded line; every line has the same length. */
const line = (n: number) => `{"n":"${String(n).padStart(6, "0")}"}\n`;
const LINE = line(0).length;

/** How the fake server answers an insert: stored, a refused connection, or a wrong password. */
type Answer = "ok" | "refused" | "auth";

// ClickHouse's answer to a wrong password.
function authFailed(): Response {
  return new Response(
    "Code: 516. DB::Exception: default: Authentication failed: password is incorrect, " +
      "or there is no user with such name. (AUTHENTICATION_FAILED) (version 26.7.2.1)\n",
    { status: 516, headers: { "x-clickhouse-exception-code": "516" } },
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Long enough for a background send to the fake server to have happened (a few ms). */
const quiet = () => sleep(100);

async function waitFor(done: () => boolean, what: string, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() > until) assert.fail(`timed out waiting for: ${what}`);
    await sleep(5);
  }
}

interface SetupOptions {
  /** The host's clock: a FakeClock by default. */
  clock?: Clock;
  /** The client's `flushTimeout`, in seconds. */
  flushTimeout?: number;
  limits?: Partial<BatchLimits>;
  /** How the `call`-th insert (1-based) is answered; `"ok"` when left out. */
  insert?: (call: number) => Answer;
  /** How long the server takes to store an insert. */
  delayMs?: number;
}

/**
 * A table delivery built from the real parts as `TableWriter` builds them,
 * over a real ClientSession whose fetch reaches a fake server. Only inserts
 * are made to fail (the server facts and the schema are answered).
 */
function setup(o: SetupOptions = {}) {
  const clock = o.clock ?? new FakeClock(T0);
  const background = clock.backgroundTimers !== false;
  const server = new FakeClickHouse([["n", "String"]]);
  /** When each insert request arrived (epoch ms), in order. */
  const inserts: number[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (!(await request.clone().text()).startsWith("INSERT")) return server.fetch(request);
    inserts.push(Date.now());
    const answer = o.insert?.(inserts.length) ?? "ok";
    if (answer === "refused") {
      throw new TypeError("error sending request: Connection refused (os error 111)");
    }
    if (answer === "auth") return authFailed();
    if (o.delayMs) await sleep(o.delayMs);
    return server.fetch(request);
  };
  const reports: Error[] = [];
  const report = (error: Error | (() => Error)) =>
    void reports.push(typeof error === "function" ? error() : error);
  const options = resolveOptions({
    url: "http://ch.invalid:8123",
    fetch: fetchFn,
    flushTimeout: o.flushTimeout ?? 20,
  });
  let session: ClientSession | undefined = new ClientSession(options, report, () => background);
  const budget = new BufferBudget({ maxRows: 1e6, maxChars: 1e9, policy: "drop_oldest" });
  const host: WriterHost = { name: "default", clock, budget, session: () => session, report };
  const table: WriterTable = { database: undefined, tableName: "t", timeColumn: undefined };
  const limits: BatchLimits = {
    periodMs: 60_000,
    maxRows: 10_000,
    maxBytes: 8 * 1024 * 1024,
    maxBufferedRows: undefined,
    retryBaseMs: 1000,
    retryMaxMs: 60_000,
    ...o.limits,
  };
  const counts = new TableCounts();
  const buffer = new TableBuffer({
    name: () => "default.t",
    budget,
    counts,
    report: (make) => report(make),
    maxBufferedRows: limits.maxBufferedRows,
  });
  budget.join(buffer);
  const schema = new TableSchema(
    () => readEncoder(host.session, table, host.name),
    (encoder) => buffer.release(({ row, time }) => encoder.encode(row, time)),
    () => background,
  );
  const sender = new TableSender({
    buffer,
    counts,
    maxBytes: limits.maxBytes,
    maxInFlight: background ? 2 : 1,
    shareRuns: background,
    now: () => clock.now(),
    report,
    schemaChanged: () => schema.invalidate(),
  });
  const delivery = new TableDelivery({
    name: () => "default.t",
    host,
    table,
    limits,
    buffer,
    counts,
    schema,
    sender,
    runSources: () => undefined,
  });
  let next = 0;
  /** Takes in `rows` encoded rows, telling the delivery after each, as `TableWriter.write` does. */
  const write = (rows: number) => {
    for (let i = 0; i < rows; i++) {
      buffer.push(line(next++));
      delivery.added();
    }
  };
  return {
    server,
    inserts,
    reports,
    buffer,
    counts,
    delivery,
    write,
    endSession: () => (session = undefined),
  };
}

/** A FakeClock whose time can also jump without firing its timers. */
function skewedClock() {
  const fake = new FakeClock(T0);
  let skew = 0;
  const clock: Clock = {
    now: () => fake.now() + skew,
    setTimeout: (callback, delayMs) => fake.setTimeout(callback, delayMs),
    backgroundTimers: true,
  };
  return { fake, clock, jump: (ms: number) => void (skew += ms) };
}

/** Runs `flush` and says how it ended and after how long (real time). */
async function timed(flush: Promise<void>): Promise<{ ms: number; error: unknown }> {
  const start = Date.now();
  try {
    await flush;
    return { ms: Date.now() - start, error: undefined };
  } catch (error) {
    return { ms: Date.now() - start, error };
  }
}

Deno.test("TableDelivery.flush() resolves once every row taken in before it is acknowledged", async (t) => {
  await t.step("buffered rows", async () => {
    const { server, counts, buffer, delivery, write } = setup();
    write(25);
    await delivery.flush();
    assert.equal(server.lines.length, 25);
    assert.equal(counts.written, 25);
    assert.equal(buffer.pending, 0);
  });
  await t.step("rows a background send already took, and rows written after it", async () => {
    const { server, inserts, counts, delivery, write } = setup({
      delayMs: 50,
      limits: { maxRows: 10 },
    });
    write(10); // a full batch: a background send starts
    write(5);
    await delivery.flush();
    assert.equal(counts.written, 15, `acknowledged when flush resolved: ${counts.written}`);
    assert.equal(server.lines.length, 15);
    assert.ok(inserts.length >= 1);
  });
  await t.step("rows written before the schema was known: read, encoded and sent", async () => {
    const { server, counts, buffer, delivery } = setup();
    for (const n of ["a", "b", "c"]) buffer.hold({ row: { n }, time: T0 });
    await delivery.flush();
    assert.deepEqual(server.rows(), [{ n: "a" }, { n: "b" }, { n: "c" }]);
    assert.equal(counts.written, 3);
    assert.equal(buffer.heldRows, 0);
  });
  await t.step("in Workers (backgroundTimers false)", async () => {
    const clock = new FakeClock(T0, { backgroundTimers: false });
    const { server, counts, buffer, delivery, write } = setup({ clock, limits: { maxRows: 10 } });
    write(25);
    await delivery.flush();
    assert.equal(server.lines.length, 25);
    assert.equal(counts.written, 25);
    assert.equal(buffer.pending, 0);
  });
  await t.step("nothing taken in: no request at all", async () => {
    const { server, delivery } = setup();
    await delivery.flush();
    assert.equal(server.requests.length, 0);
  });
});

Deno.test("TableDelivery.flush() retries a failure that may pass, within flushTimeout", async (t) => {
  await t.step("the connection is refused three times, then the server is back", async () => {
    const { server, inserts, counts, buffer, delivery, write } = setup({
      flushTimeout: 5,
      limits: { retryBaseMs: 20, retryMaxMs: 1000 },
      insert: (call) => (call <= 3 ? "refused" : "ok"),
    });
    write(10);
    const { ms, error } = await timed(delivery.flush());
    assert.equal(error, undefined, `flush rejected: ${error}`);
    assert.equal(inserts.length, 4);
    assert.equal(server.lines.length, 10, "every row stored once");
    assert.equal(counts.written, 10);
    assert.equal(buffer.pending, 0);
    // Backoff of about 20 + 40 + 80 ms between the attempts, far from the 5 s limit.
    assert.ok(ms >= 0.8 * 140 - 5, `flush took ${ms} ms: it did not back off`);
    assert.ok(ms < 2000, `flush took ${ms} ms`);
  });
  await t.step(
    "the server never comes back, backoff longer than flushTimeout: one last attempt at the deadline",
    async () => {
      const { server, inserts, buffer, delivery, write } = setup({
        flushTimeout: 0.4,
        limits: { retryBaseMs: 10_000, retryMaxMs: 60_000 },
        insert: () => "refused",
      });
      write(10);
      const start = Date.now();
      const { ms, error } = await timed(delivery.flush());
      assert.ok(error instanceof TuskClickHouseError, `rejected with ${error}`);
      assert.equal(error.kind, "network");
      assert.match(error.message, /^Cannot insert into "default\.t": network error/);
      assert.equal(inserts.length, 2, "a first attempt and the last one");
      assert.ok(inserts[1]! - start >= 380, `last attempt after ${inserts[1]! - start} ms`);
      assert.ok(ms >= 380 && ms < 1500, `flush took ${ms} ms, flushTimeout is 400`);
      assert.equal(buffer.pending, 10, "the rows are kept");
      assert.equal(server.lines.length, 0);
    },
  );
  await t.step(
    "the server never comes back, short backoff: attempts until about flushTimeout",
    async () => {
      const { inserts, buffer, delivery, write } = setup({
        flushTimeout: 0.5,
        limits: { retryBaseMs: 20, retryMaxMs: 100 },
        insert: () => "refused",
      });
      write(10);
      const start = Date.now();
      const { ms, error } = await timed(delivery.flush());
      assert.ok(error instanceof TuskClickHouseError, `rejected with ${error}`);
      assert.equal(error.retryable, true);
      assert.ok(ms >= 480 && ms < 1500, `flush took ${ms} ms, flushTimeout is 500`);
      assert.ok(inserts.length >= 5, `${inserts.length} attempts`);
      const last = inserts.at(-1)! - start;
      assert.ok(last >= 480, `last attempt after ${last} ms`);
      assert.equal(buffer.pending, 10);
    },
  );
  await t.step("in Workers too", async () => {
    const { server, inserts, delivery, write } = setup({
      clock: new FakeClock(T0, { backgroundTimers: false }),
      flushTimeout: 5,
      limits: { retryBaseMs: 20 },
      insert: (call) => (call <= 2 ? "refused" : "ok"),
    });
    write(10);
    await delivery.flush();
    assert.equal(inserts.length, 3);
    assert.equal(server.lines.length, 10);
  });
});

Deno.test("TableDelivery.flush() rejects at once on a failure that will not pass", async (t) => {
  await t.step("a wrong password (HTTP 516, code 516): one attempt, rows kept", async () => {
    const { server, inserts, counts, buffer, delivery, write } = setup({
      flushTimeout: 20,
      limits: { retryBaseMs: 5000 },
      insert: () => "auth",
    });
    write(10);
    const pending = buffer.pending;
    const { ms, error } = await timed(delivery.flush());
    assert.ok(error instanceof TuskClickHouseError, `rejected with ${error}`);
    assert.equal(error.kind, "auth");
    assert.equal(error.code, 516);
    assert.equal(error.retryable, false);
    assert.match(error.message, /Authentication failed/);
    assert.ok(ms < 1000, `flush took ${ms} ms; the backoff is 4 to 6 s`);
    assert.equal(inserts.length, 1);
    assert.equal(buffer.pending, pending, "the rows are kept");
    assert.equal(counts.written, 0);
    assert.equal(server.lines.length, 0);
    assert.equal(counts.lastError, error.message);
  });
  await t.step("no session (closed, or never initialized)", async () => {
    const { inserts, buffer, delivery, write, endSession } = setup({
      flushTimeout: 20,
      limits: { retryBaseMs: 5000 },
    });
    write(3);
    endSession();
    const { ms, error } = await timed(delivery.flush());
    assert.ok(error instanceof Error);
    assert.match(error.message, /client "default" is not initialized/);
    assert.ok(ms < 1000, `flush took ${ms} ms`);
    assert.equal(inserts.length, 0);
    assert.equal(buffer.pending, 3);
  });
});

Deno.test("TableDelivery.flush({ attempts }) makes at most that many attempts", async (t) => {
  for (const attempts of [1, 2, 3]) {
    await t.step(`attempts: ${attempts}`, async () => {
      const { inserts, buffer, delivery, write } = setup({
        flushTimeout: 20,
        limits: { retryBaseMs: 10, retryMaxMs: 20 },
        insert: () => "refused",
      });
      write(4);
      const { ms, error } = await timed(delivery.flush({ timeoutMs: 5000, attempts }));
      assert.ok(error instanceof TuskClickHouseError, `rejected with ${error}`);
      assert.equal(inserts.length, attempts);
      assert.ok(ms < 1000, `flush took ${ms} ms`);
      assert.equal(buffer.pending, 4);
    });
  }
  await t.step("attempts: 2 still resolves when the second attempt succeeds", async () => {
    const { server, inserts, delivery, write } = setup({
      limits: { retryBaseMs: 10 },
      insert: (call) => (call === 1 ? "refused" : "ok"),
    });
    write(4);
    await delivery.flush({ timeoutMs: 5000, attempts: 2 });
    assert.equal(inserts.length, 2);
    assert.equal(server.lines.length, 4);
  });
});

Deno.test("TableDelivery.added() sends a full batch in the background, except in Workers", async (t) => {
  await t.step("maxRows rows buffered: sent without a flush", async () => {
    const { server, counts, buffer, write } = setup({ limits: { maxRows: 5 } });
    write(5);
    await waitFor(() => counts.written === 5, "5 rows acknowledged");
    assert.equal(server.lines.length, 5);
    assert.equal(buffer.pending, 0);
  });
  await t.step("maxBytes buffered: sent without a flush", async () => {
    const { counts, write } = setup({ limits: { maxBytes: 3 * LINE } });
    write(3);
    await waitFor(() => counts.written === 3, "3 rows acknowledged");
  });
  await t.step("fewer than maxRows: nothing is sent before the period", async () => {
    const { inserts, buffer, write } = setup({ limits: { maxRows: 5 } });
    write(4);
    await quiet();
    assert.equal(inserts.length, 0);
    assert.equal(buffer.pending, 4);
  });
  await t.step("with backgroundTimers false: nothing is sent until a flush", async () => {
    const clock = new FakeClock(T0, { backgroundTimers: false });
    const { server, inserts, counts, delivery, write } = setup({ clock, limits: { maxRows: 5 } });
    write(12);
    await quiet();
    assert.equal(inserts.length, 0, "a full batch did not go on its own");
    assert.equal(clock.pendingTimers, 0, "no timer either");
    await delivery.flush();
    assert.equal(server.lines.length, 12);
    assert.equal(counts.written, 12);
  });
});

Deno.test("TableDelivery.added() starts the period, and the period's timer sends", async () => {
  const clock = new FakeClock(T0);
  const { server, inserts, counts, write } = setup({ clock, limits: { periodMs: 60_000 } });
  assert.equal(clock.pendingTimers, 0);
  write(3);
  assert.equal(clock.pendingTimers, 1, "one timer for the period");
  write(2);
  assert.equal(clock.pendingTimers, 1, "still one: later rows go with the same period");
  await clock.tick(59_999);
  await quiet();
  assert.equal(inserts.length, 0, "nothing sent before the period is over");
  await clock.tick(1);
  await waitFor(() => counts.written === 5, "5 rows acknowledged");
  assert.equal(server.lines.length, 5);
  await waitFor(() => clock.pendingTimers === 0, "no timer once nothing is pending");
});

Deno.test("TableDelivery.kick() does not send again before the backoff delay after a background failure", async (t) => {
  await t.step("added() and kick() wait for the delay; kick() after it sends", async () => {
    const { fake, clock, jump } = skewedClock();
    const { server, inserts, reports, counts, delivery, write } = setup({
      clock,
      limits: { maxRows: 5, retryBaseMs: 1000 }, // a delay of 800 to 1200 ms
      insert: (call) => (call === 1 ? "refused" : "ok"),
    });
    write(5); // full: a background send, refused
    await waitFor(() => reports.length === 1, "the failure reported");
    assert.match(reports[0]!.message, /Connection refused/);
    assert.equal(inserts.length, 1);
    assert.equal(fake.pendingTimers, 1, "a retry timer is armed");

    write(5); // full again
    delivery.kick();
    await quiet();
    assert.equal(inserts.length, 1, "no send right after the failure");

    jump(799);
    delivery.kick();
    await quiet();
    assert.equal(inserts.length, 1, "no send before the delay has passed");

    jump(401);
    delivery.kick();
    await waitFor(() => counts.written === 10, "10 rows acknowledged");
    assert.equal(inserts.length, 3, "the retry (with its own token), then the new rows");
    assert.equal(server.lines.length, 10);
    await waitFor(() => fake.pendingTimers === 0, "the retry timer cancelled once delivered");
  });
  await t.step("the retry timer the failure armed sends once the delay has passed", async () => {
    const clock = new FakeClock(T0);
    const { inserts, reports, counts, write } = setup({
      clock,
      limits: { maxRows: 5, retryBaseMs: 1000 },
      insert: (call) => (call === 1 ? "refused" : "ok"),
    });
    write(5);
    await waitFor(() => reports.length === 1, "the failure reported");
    await clock.tick(799);
    await quiet();
    assert.equal(inserts.length, 1, "no retry before the delay");
    await clock.tick(401);
    await waitFor(() => counts.written === 5, "5 rows acknowledged");
    assert.equal(inserts.length, 2);
  });
});

Deno.test("TableDelivery's retry timer delivers even when the runtime fires it a little early", async () => {
  // Node and Bun run setTimeout(fn, 1034.7) after 1034 ms by Date.now() (the
  // fraction is dropped; 66 of 100 such timers fired before Date.now() + delay
  // in Node 20): the jittered retry delay is almost never a whole number.
  const fake = new FakeClock(T0);
  const clock: Clock = {
    now: () => fake.now(),
    setTimeout: (callback, delayMs) => fake.setTimeout(callback, Math.max(1, Math.trunc(delayMs))),
    backgroundTimers: true,
  };
  const { inserts, reports, counts, write } = setup({
    clock,
    limits: { maxRows: 5, retryBaseMs: 1000 },
    insert: (call) => (call === 1 ? "refused" : "ok"),
  });
  write(5); // full: a background send, refused; then nothing more is written
  await waitFor(() => reports.length === 1, "the failure reported");
  assert.equal(fake.pendingTimers, 1, "a retry timer is armed");
  await fake.tick(60 * 60_000); // an hour: far past any backoff and period
  await waitFor(() => counts.written === 5, "5 rows acknowledged", 500).catch(() => {});
  assert.equal(
    counts.written,
    5,
    `after an hour: ${inserts.length} insert(s), ${counts.written} rows written, ` +
      `${fake.pendingTimers} timer(s) armed; the rows wait for a write or a flush`,
  );
});

Deno.test("TableDelivery counts one failed insert once, when a flush shares the background run", async () => {
  const { clock, jump } = skewedClock();
  const { inserts, reports, counts, delivery, write } = setup({
    clock,
    limits: { maxRows: 5, retryBaseMs: 1000 }, // one failure: a delay of 800 to 1200 ms
    insert: (call) => (call === 1 ? "refused" : "ok"),
  });
  write(5); // full: a background run starts
  const { error } = await timed(delivery.flush({ timeoutMs: 5000, attempts: 1 })); // joins it
  assert.ok(error instanceof TuskClickHouseError);
  await quiet();
  assert.equal(inserts.length, 1, "one insert, shared by the background run and the flush");
  assert.equal(counts.failedBatches, 1);
  jump(1200);
  delivery.kick();
  await quiet();
  assert.equal(
    inserts.length,
    2,
    `no retry 1200 ms after one failure: the backoff counted it ${reports.length} times`,
  );
});

Deno.test("TableDelivery.stop() cancels the timer and forgets the failures", async (t) => {
  await t.step("the period's timer is cancelled", async () => {
    const clock = new FakeClock(T0);
    const { inserts, delivery, write } = setup({ clock });
    write(3);
    assert.equal(clock.pendingTimers, 1);
    delivery.stop();
    assert.equal(clock.pendingTimers, 0);
    await clock.tick(10 * 60_000);
    await quiet();
    assert.equal(inserts.length, 0);
  });
  await t.step("the retry timer is cancelled, and the next kick() does not wait", async () => {
    const clock = new FakeClock(T0);
    const { inserts, reports, counts, delivery, write } = setup({
      clock,
      limits: { maxRows: 5, retryBaseMs: 60_000 },
      insert: (call) => (call === 1 ? "refused" : "ok"),
    });
    write(5);
    await waitFor(() => reports.length === 1, "the failure reported");
    assert.equal(clock.pendingTimers, 1, "a retry timer is armed");
    delivery.kick();
    await quiet();
    assert.equal(inserts.length, 1, "kick() waits for the backoff");
    delivery.stop();
    assert.equal(clock.pendingTimers, 0);
    delivery.kick();
    await waitFor(() => counts.written === 5, "5 rows acknowledged");
    assert.equal(inserts.length, 2);
  });
});
