import assert from "node:assert/strict";
import type { SentBatch } from "../../src/batching/_retry_queue.ts";
import { BufferBudget, type BufferLimits } from "../../src/batching/buffer_budget.ts";
import type { HeldRow } from "../../src/batching/held_rows.ts";
import type { Flight } from "../../src/batching/flight.ts";
import { HELD_ROW_BYTES, TableBuffer } from "../../src/batching/table_buffer.ts";
import { TableCounts } from "../../src/batching/table_counts.ts";
import { TuskError, TuskValidationError } from "../../src/errors.ts";

/** Row `n` as an encoded line; every line has the same length. */
const line = (n: number) => `{"n":"${String(n).padStart(4, "0")}"}\n`;
const LINE = line(0).length;
const held = (n: number): HeldRow => ({ row: { n }, time: 1_000 + n });
/** The row numbers of a flight's lines. */
const numbers = (flight: Flight | undefined) =>
  flight === undefined ? [] : flight.batch.lines().map((l) => Number(JSON.parse(l).n));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Encodes held rows, refusing those numbered in `bad` as the schema would. */
function encoder(bad: number[] = []): (row: HeldRow) => string {
  return ({ row }) => {
    const n = row.n as number;
    if (bad.includes(n)) {
      throw new TuskValidationError({
        table: "db.t",
        column: "n",
        value: String(n),
        reason: "bad",
      });
    }
    return line(n);
  };
}

/** What sendBatch hands back for a part it could not send. */
function part(lines: string[], token: string): SentBatch {
  return { lines, start: 0, chars: lines.join("").length, token };
}

function setup(
  options: { limits?: Partial<BufferLimits>; maxBufferedRows?: number } = {},
) {
  const budget = new BufferBudget({
    maxRows: 1_000,
    maxChars: 1_000_000,
    policy: "drop_oldest",
    ...options.limits,
  });
  const counts = new TableCounts();
  const reports: { key: string; error: Error }[] = [];
  const buffer = new TableBuffer({
    name: () => "db.t",
    budget,
    counts,
    report: (make, key) => void reports.push({ key, error: make() }),
    maxBufferedRows: options.maxBufferedRows,
  });
  budget.join(buffer);
  /** Every row taken in is written, pending or dropped; the budget holds exactly the pending rows. */
  const balanced = (when: string) => {
    assert.equal(
      counts.received,
      counts.written + buffer.pending + counts.droppedTotal,
      `received = written + pending + dropped, ${when}`,
    );
    assert.equal(budget.rows, buffer.pending, `the budget's rows are the pending rows, ${when}`);
  };
  /** Whether a flush that started when `n` rows had entered would be done. */
  const covered = (n: number) => buffer.lowestUnsettled >= n;
  return { budget, counts, buffer, reports, balanced, covered };
}

Deno.test("TableBuffer keeps received = written + pending + sum(dropped) after every move", async (t) => {
  const { budget, counts, buffer, reports, balanced } = setup();
  let flight: Flight | undefined;

  await t.step("hold()", () => {
    for (let n = 0; n < 4; n++) buffer.hold(held(n));
    assert.equal(counts.received, 4);
    assert.equal(buffer.heldRows, 4);
    assert.equal(buffer.pending, 4);
    assert.equal(budget.chars, 4 * HELD_ROW_BYTES);
    balanced("after hold()");
  });
  await t.step("release() with an encoder that refuses one row", () => {
    buffer.release(encoder([1]));
    assert.equal(buffer.heldRows, 0);
    assert.equal(buffer.bufferedRows, 3);
    assert.deepEqual(counts.dropped, { invalid: 1 });
    assert.equal(budget.chars, 3 * LINE);
    assert.equal(reports.length, 1);
    assert.ok(reports[0]!.error instanceof TuskValidationError);
    balanced("after release()");
  });
  await t.step("push()", () => {
    for (let n = 4; n < 10; n++) buffer.push(line(n));
    assert.equal(counts.received, 10);
    assert.equal(buffer.bufferedRows, 9);
    assert.equal(budget.chars, 9 * LINE);
    balanced("after push()");
  });
  await t.step("takeFresh()", () => {
    flight = buffer.takeFresh(5, Infinity);
    assert.deepEqual(numbers(flight), [0, 2, 3, 4, 5]);
    assert.equal(buffer.bufferedRows, 4);
    assert.equal(buffer.pending, 9, "rows in flight are pending");
    assert.equal(buffer.droppableRows, 4, "rows in flight cannot be dropped");
    balanced("after takeFresh()");
  });
  await t.step("acked()", () => {
    buffer.acked(flight!, 2, 2 * LINE);
    assert.equal(counts.written, 2);
    assert.equal(budget.chars, 7 * LINE);
    balanced("after acked()");
  });
  await t.step("refused()", () => {
    buffer.refused(flight!, line(3));
    assert.deepEqual(counts.dropped, { invalid: 1, rejected: 1 });
    balanced("after refused()");
  });
  await t.step("putBack()", () => {
    buffer.putBack(flight!, [part([line(4), line(5)], "token-a.2")]);
    assert.equal(flight!.rows, 0);
    assert.equal(buffer.retrying, true);
    balanced("after putBack()");
    buffer.land(flight!);
    assert.equal(buffer.flights.size, 0);
    balanced("after land() with nothing left");
  });
  await t.step("takeRetry(Date.now())", () => {
    flight = buffer.takeRetry(Date.now());
    assert.deepEqual(numbers(flight), [4, 5]);
    assert.equal(flight!.token, "token-a.2", "a retry keeps its token");
    assert.equal(counts.retried, 2);
    assert.equal(buffer.retrying, false);
    balanced("after takeRetry(Date.now())");
  });
  await t.step("land() with rows left", () => {
    buffer.acked(flight!, 1, LINE);
    buffer.land(flight!);
    assert.equal(buffer.flights.size, 0);
    assert.equal(buffer.retrying, true, "the row not acknowledged waits for a retry");
    balanced("after land() with rows left");
    const again = buffer.takeRetry(Date.now());
    assert.deepEqual(numbers(again), [5], "the rows left are the batch's last");
    assert.equal(again!.token, "token-a.2");
    buffer.putBack(again!, [part([line(5)], "token-a.2")]);
    buffer.land(again!);
    balanced("after another putBack()");
  });
  await t.step("evict() through the budget", async () => {
    budget.limits = { ...budget.limits, maxRows: budget.rows };
    buffer.push(line(10));
    assert.equal(counts.dropped.buffer_full, 1);
    assert.equal(budget.rows, budget.limits.maxRows);
    assert.equal(
      buffer.retrying,
      false,
      "the row waiting for a retry is the oldest: dropped first",
    );
    await Promise.resolve(); // the report goes once the synchronous writing ends
    assert.match(reports.at(-1)!.error.message, /dropped the oldest; 1 dropped so far/);
    balanced("after an eviction");
    budget.limits = { ...budget.limits, maxRows: 1_000 };
  });
  await t.step("giveUp() with rows in every state", () => {
    flight = buffer.takeFresh(2, Infinity);
    assert.deepEqual(numbers(flight), [6, 7]);
    buffer.hold(held(11));
    const rows = buffer.pending;
    assert.equal(rows, 6); // 8, 9, 10 buffered, 6 and 7 in flight, 11 held
    assert.equal(buffer.giveUp("closed"), rows);
    assert.equal(counts.dropped.closed, rows);
    assert.equal(buffer.pending, 0);
    assert.equal(buffer.flights.size, 0);
    balanced("after giveUp()");
  });
  await t.step("a flight given up on no longer counts when its request ends", () => {
    buffer.acked(flight!, 2, 2 * LINE);
    buffer.land(flight!);
    assert.equal(counts.written, 3);
    balanced("after acked() of a flight given up on");
  });
  await t.step("the budget's rows and characters are back to 0", () => {
    assert.equal(budget.rows, 0);
    assert.equal(budget.chars, 0);
    assert.deepEqual(counts.dropped, { invalid: 1, rejected: 1, buffer_full: 1, closed: 6 });
    assert.equal(counts.received, 12);
  });
});

Deno.test("TableBuffer's budget returns to 0 once every row is delivered", () => {
  const { budget, counts, buffer, balanced } = setup();
  for (let n = 0; n < 3; n++) buffer.hold(held(n));
  buffer.release(encoder());
  for (let n = 3; n < 100; n++) buffer.push(line(n));
  const first = buffer.takeFresh(60, Infinity)!;
  const second = buffer.takeFresh(Infinity, Infinity)!;
  buffer.putBack(first, [part(first.batch.lines(), first.token)]);
  buffer.land(first);
  buffer.acked(second, second.rows, second.chars);
  buffer.land(second);
  const retry = buffer.takeRetry(Date.now())!;
  buffer.acked(retry, retry.rows, retry.chars);
  buffer.land(retry);
  assert.equal(counts.written, 100);
  assert.equal(counts.retried, 60);
  assert.equal(budget.rows, 0);
  assert.equal(budget.chars, 0);
  balanced("after delivery");
});

Deno.test("TableBuffer.release() replaces HELD_ROW_BYTES by each row's encoded size", async (t) => {
  await t.step("every row valid", () => {
    const { budget, buffer } = setup();
    buffer.hold(held(0));
    buffer.hold(held(1));
    assert.equal(budget.rows, 2);
    assert.equal(budget.chars, 2 * HELD_ROW_BYTES);
    buffer.release(({ row }) => `{"long":"${"x".repeat(Number(row.n) * 100)}"}\n`);
    assert.equal(budget.rows, 2);
    assert.equal(budget.chars, buffer.bufferedChars);
    assert.equal(budget.chars, 12 + 112);
  });
  await t.step("a refused row gives back its HELD_ROW_BYTES", () => {
    const { budget, buffer, counts, reports } = setup();
    for (let n = 0; n < 3; n++) buffer.hold(held(n));
    buffer.release(encoder([0]));
    assert.equal(budget.rows, 2);
    assert.equal(budget.chars, 2 * LINE);
    assert.equal(counts.dropped.invalid, 1);
    assert.equal(reports[0]!.error.message, 'Cannot write to "db.t": column "n": bad');
  });
  await t.step("an encoder's other error is reported as a TuskError naming the table", () => {
    const { budget, buffer, counts, reports } = setup();
    buffer.hold(held(0));
    buffer.release(() => {
      throw new RangeError("boom");
    });
    assert.equal(budget.rows, 0);
    assert.equal(budget.chars, 0);
    assert.equal(counts.dropped.invalid, 1);
    assert.ok(reports[0]!.error instanceof TuskError);
    assert.equal(reports[0]!.error.message, 'Cannot write to "db.t": RangeError: boom');
  });
  await t.step("rows keep their order, after rows encoded before", () => {
    const { buffer } = setup();
    buffer.push(line(0));
    buffer.hold(held(1));
    buffer.hold(held(2));
    buffer.release(encoder());
    assert.deepEqual(numbers(buffer.takeFresh(Infinity, Infinity)), [0, 1, 2]);
  });
});

Deno.test("TableBuffer evicts through the client's budget", async (t) => {
  await t.step("drop_oldest drops the oldest rows and counts them as buffer_full", async () => {
    const { buffer, counts, reports, balanced, budget } = setup({ limits: { maxRows: 5 } });
    for (let n = 0; n < 7; n++) buffer.push(line(n));
    assert.equal(buffer.bufferedRows, 5);
    assert.equal(budget.rows, 5);
    assert.equal(counts.dropped.buffer_full, 2);
    assert.equal(reports.length, 0, "no report while the synchronous burst runs");
    await Promise.resolve();
    assert.equal(reports.length, 1, "one report for the burst, with its whole count");
    assert.equal(reports[0]!.key, "budget:db.t");
    assert.match(reports[0]!.error.message, /dropped the oldest; 2 dropped so far/);
    assert.deepEqual(numbers(buffer.takeFresh(Infinity, Infinity)), [2, 3, 4, 5, 6]);
    balanced("after evictions");
  });
  await t.step("drop_oldest evicts rows held for the schema, oldest first", () => {
    const { buffer, counts, balanced, budget } = setup({ limits: { maxRows: 3 } });
    for (let n = 0; n < 5; n++) buffer.hold(held(n));
    assert.equal(buffer.heldRows, 3);
    assert.equal(budget.chars, 3 * HELD_ROW_BYTES);
    assert.equal(counts.dropped.buffer_full, 2);
    buffer.release(encoder());
    assert.deepEqual(numbers(buffer.takeFresh(Infinity, Infinity)), [2, 3, 4]);
    balanced("after evictions of held rows");
  });
  await t.step("drop_oldest frees characters as well as rows", () => {
    const { buffer, counts, budget } = setup({ limits: { maxChars: 3 * LINE } });
    for (let n = 0; n < 4; n++) buffer.push(line(n));
    assert.equal(budget.chars, 3 * LINE);
    assert.equal(counts.dropped.buffer_full, 1);
  });
  await t.step("rows waiting for a retry go before buffered rows", () => {
    const { buffer, counts, balanced } = setup({ limits: { maxRows: 4 } });
    for (let n = 0; n < 4; n++) buffer.push(line(n));
    const flight = buffer.takeFresh(2, Infinity)!;
    buffer.putBack(flight, [part(flight.batch.lines(), flight.token)]);
    buffer.land(flight);
    buffer.push(line(4));
    assert.equal(counts.dropped.buffer_full, 1);
    assert.deepEqual(numbers(buffer.takeRetry(Date.now())), [1]);
    balanced("after evicting a retry row");
  });
  await t.step("rows in flight are never evicted: the new row is refused instead", () => {
    const { buffer, counts, balanced } = setup({ limits: { maxRows: 2 } });
    buffer.push(line(0));
    buffer.push(line(1));
    buffer.takeFresh(Infinity, Infinity);
    buffer.push(line(2));
    assert.equal(counts.received, 3);
    assert.equal(counts.dropped.buffer_full, 1);
    assert.equal(buffer.bufferedRows, 0);
    balanced("after a refused row");
  });
  await t.step("drop_newest refuses the new row and counts it", async () => {
    const { buffer, counts, reports, balanced } = setup({
      limits: { maxRows: 2, policy: "drop_newest" },
    });
    for (let n = 0; n < 3; n++) buffer.push(line(n));
    assert.equal(counts.received, 3);
    assert.equal(counts.dropped.buffer_full, 1);
    await Promise.resolve();
    assert.match(reports[0]!.error.message, /dropped the newest; 1 dropped so far/);
    assert.deepEqual(numbers(buffer.takeFresh(Infinity, Infinity)), [0, 1]);
    balanced("after drop_newest");
  });
  await t.step("the budget drops from the table holding the most", () => {
    const { buffer, budget, counts } = setup({ limits: { maxRows: 4 } });
    const otherCounts = new TableCounts();
    const other = new TableBuffer({
      name: () => "db.other",
      budget,
      counts: otherCounts,
      report: () => {},
      maxBufferedRows: undefined,
    });
    budget.join(other);
    for (let n = 0; n < 3; n++) buffer.push(line(n));
    other.push(line(100));
    other.push(line(101));
    assert.equal(counts.dropped.buffer_full, 1);
    assert.equal(otherCounts.dropped.buffer_full, undefined);
    assert.equal(budget.rows, buffer.pending + other.pending);
  });
});

Deno.test("TableBuffer caps a table at maxBufferedRows, dropping the oldest", async (t) => {
  await t.step("encoded rows", async () => {
    const { buffer, counts, reports, balanced } = setup({ maxBufferedRows: 3 });
    for (let n = 0; n < 5; n++) buffer.push(line(n));
    assert.equal(buffer.bufferedRows, 3);
    assert.equal(counts.dropped.buffer_full, 2);
    await Promise.resolve(); // one report once the synchronous writing ends
    assert.deepEqual(reports.map((r) => r.key), ["full:db.t"]);
    assert.equal(
      reports[0]!.error.message,
      'Cannot buffer rows for "db.t": 3 rows are waiting (batching.maxBufferedRows); ' +
        "dropped the oldest; 2 dropped so far",
    );
    assert.deepEqual(numbers(buffer.takeFresh(Infinity, Infinity)), [2, 3, 4]);
    balanced("after the cap");
  });
  await t.step("rows held for the schema", () => {
    const { buffer, counts, budget, balanced } = setup({ maxBufferedRows: 3 });
    for (let n = 0; n < 5; n++) buffer.hold(held(n));
    assert.equal(buffer.heldRows, 3);
    assert.equal(budget.chars, 3 * HELD_ROW_BYTES);
    assert.equal(counts.dropped.buffer_full, 2);
    buffer.release(encoder());
    assert.deepEqual(numbers(buffer.takeFresh(Infinity, Infinity)), [2, 3, 4]);
    balanced("after the cap on held rows");
  });
  await t.step("rows in flight do not count against the cap", () => {
    const { buffer, counts } = setup({ maxBufferedRows: 3 });
    for (let n = 0; n < 3; n++) buffer.push(line(n));
    buffer.takeFresh(Infinity, Infinity);
    for (let n = 3; n < 6; n++) buffer.push(line(n));
    assert.equal(counts.dropped.buffer_full, undefined);
    assert.equal(buffer.pending, 6);
  });
});

Deno.test("TableBuffer.takeFresh() takes the oldest rows within the limits", async (t) => {
  await t.step("up to maxRows", () => {
    const { buffer } = setup();
    for (let n = 0; n < 5; n++) buffer.push(line(n));
    assert.deepEqual(numbers(buffer.takeFresh(2, Infinity)), [0, 1]);
    assert.deepEqual(numbers(buffer.takeFresh(2, Infinity)), [2, 3]);
  });
  await t.step("up to about maxChars, at least one row", () => {
    const { buffer } = setup();
    for (let n = 0; n < 5; n++) buffer.push(line(n));
    assert.deepEqual(numbers(buffer.takeFresh(Infinity, 2 * LINE)), [0, 1]);
    assert.deepEqual(numbers(buffer.takeFresh(Infinity, 1)), [2]);
  });
  await t.step("nothing buffered: undefined, and rows held for the schema are not taken", () => {
    const { buffer } = setup();
    buffer.hold(held(0));
    assert.equal(buffer.takeFresh(Infinity, Infinity), undefined);
    assert.equal(buffer.takeRetry(Date.now()), undefined);
  });
  await t.step("each flight carries a new token", () => {
    const { buffer } = setup();
    buffer.push(line(0));
    buffer.push(line(1));
    const a = buffer.takeFresh(1, Infinity)!;
    const b = buffer.takeFresh(1, Infinity)!;
    assert.notEqual(a.token, b.token);
    assert.deepEqual([...buffer.flights], [a, b]);
  });
});

Deno.test("TableBuffer.entered and lowestUnsettled: a flush waiting for N is done exactly when rows 0..N-1 settled", async (t) => {
  await t.step("rows held, buffered, in flight and waiting for a retry are unsettled", () => {
    const { buffer, covered } = setup();
    for (let n = 0; n < 2; n++) buffer.hold(held(n));
    assert.equal(buffer.entered, 2);
    assert.equal(buffer.lowestUnsettled, 0);
    buffer.release(encoder());
    for (let n = 2; n < 10; n++) buffer.push(line(n));
    assert.equal(buffer.entered, 10);
    assert.equal(buffer.front, 0);

    const a = buffer.takeFresh(4, Infinity)!; // rows 0..3
    const b = buffer.takeFresh(3, Infinity)!; // rows 4..6
    assert.equal(a.first, 0);
    assert.equal(b.first, 4);
    assert.equal(buffer.front, 7);
    assert.equal(buffer.lowestUnsettled, 0);

    buffer.acked(b, b.rows, b.chars);
    buffer.land(b);
    assert.equal(buffer.lowestUnsettled, 0, "rows 0..3 are still in flight");
    assert.equal(covered(1), false);

    buffer.acked(a, a.rows, a.chars);
    buffer.land(a);
    assert.equal(buffer.lowestUnsettled, 7);
    assert.equal(covered(7), true);
    assert.equal(covered(8), false);

    const c = buffer.takeFresh(Infinity, Infinity)!; // rows 7..9
    assert.equal(c.first, 7);
    assert.equal(buffer.lowestUnsettled, 7);
    buffer.putBack(c, [part(c.batch.lines(), c.token)]);
    buffer.land(c);
    buffer.push(line(10));
    assert.equal(buffer.lowestUnsettled, 7, "rows 7..9 wait for a retry");
    assert.equal(covered(8), false);

    const retry = buffer.takeRetry(Date.now())!;
    assert.equal(retry.first, 7);
    assert.equal(buffer.lowestUnsettled, 7, "rows 7..9 are in flight again");
    buffer.acked(retry, retry.rows, retry.chars);
    buffer.land(retry);
    assert.equal(buffer.lowestUnsettled, 10);
    assert.equal(covered(10), true);
    assert.equal(covered(11), false);
  });
  await t.step("with nothing pending, lowestUnsettled is entered", () => {
    const { buffer, covered } = setup();
    assert.equal(buffer.lowestUnsettled, 0);
    buffer.push(line(0));
    const flight = buffer.takeFresh(Infinity, Infinity)!;
    buffer.refused(flight, line(0));
    buffer.land(flight);
    assert.equal(buffer.lowestUnsettled, 1);
    assert.equal(covered(1), true);
  });
  await t.step("a row refused by the budget does not enter", () => {
    const { buffer } = setup({ limits: { maxRows: 1, policy: "drop_newest" } });
    buffer.push(line(0));
    buffer.push(line(1));
    assert.equal(buffer.entered, 1);
  });
  await t.step("evicted and given-up rows are settled", () => {
    const { buffer, covered } = setup({ limits: { maxRows: 3 } });
    for (let n = 0; n < 5; n++) buffer.push(line(n));
    assert.equal(buffer.entered, 5);
    assert.equal(buffer.lowestUnsettled, 2);
    assert.equal(covered(2), true);
    buffer.giveUp("closed");
    assert.equal(buffer.lowestUnsettled, 5);
  });
});

Deno.test("TableBuffer.lowestUnsettled stays exact when rows settle out of entry order", async (t) => {
  await t.step(
    "release() refusing a held row after a valid one: the valid row is still unsettled",
    () => {
      // Rows 0 and 1 are valid, row 2 is not. Row 0 is still buffered, so a
      // flush that started when only row 0 had entered is not done.
      const { buffer, covered } = setup();
      for (let n = 0; n < 3; n++) buffer.hold(held(n));
      buffer.release(encoder([2]));
      assert.equal(buffer.bufferedRows, 2);
      assert.equal(buffer.lowestUnsettled, 0, "row 0 is buffered, not settled");
      assert.equal(covered(1), false);
      assert.equal(buffer.takeFresh(Infinity, Infinity)!.first, 0, "the flight starts at row 0");
    },
  );
  await t.step("land() with rows left keeps their entry numbers", () => {
    const { buffer, covered } = setup();
    for (let n = 0; n < 10; n++) buffer.push(line(n));
    const a = buffer.takeFresh(5, Infinity)!;
    buffer.acked(a, a.rows, a.chars);
    buffer.land(a);
    const b = buffer.takeFresh(Infinity, Infinity)!; // rows 5..9
    buffer.land(b); // its request ended without an outcome (an unexpected error)
    assert.equal(buffer.retrying, true);
    assert.equal(buffer.lowestUnsettled, 5, "rows 5..9 wait for a retry");
    assert.equal(covered(5), true, "a flush of rows 0..4 is done");
  });
  await t.step(
    "putBack() after part of the flight settled: each part keeps its own entry numbers",
    () => {
      // sendBatch split the flight around row 3: rows 0..2 acknowledged, row 3
      // refused, rows 4..9 failed and wait for a retry; sendBatch gives the
      // part its position in the batch (4).
      const { buffer, covered } = setup();
      for (let n = 0; n < 10; n++) buffer.push(line(n));
      const flight = buffer.takeFresh(Infinity, Infinity)!;
      buffer.acked(flight, 3, 3 * LINE);
      buffer.refused(flight, line(3));
      buffer.putBack(flight, [{ ...part(range(4, 10).map(line), `${flight.token}.2`), first: 4 }]);
      buffer.land(flight);
      assert.equal(buffer.lowestUnsettled, 4, "rows 0..3 settled; rows 4..9 wait for a retry");
      assert.equal(covered(4), true);
      assert.equal(covered(5), false);
    },
  );
});

Deno.test("TableBuffer: a retry batch whose oldest rows were dropped starts after them", () => {
  const { buffer, budget, covered } = setup();
  for (let n = 0; n < 10; n++) buffer.push(line(n));
  const flight = buffer.takeFresh(Infinity, Infinity)!;
  buffer.land(flight); // its request failed without an outcome: all 10 wait for a retry
  budget.limits = { ...budget.limits, maxRows: 8 };
  budget.rebalance(); // the 2 oldest go
  assert.equal(buffer.lowestUnsettled, 2, "rows 0 and 1 are settled (dropped)");
  assert.equal(covered(2), true, "a flush of rows 0..1 is done");
  const retry = buffer.takeRetry(Date.now())!;
  assert.equal(retry.first, 2, "the retry's rows start at row 2");
  assert.deepEqual(numbers(retry), [2, 3, 4, 5, 6, 7, 8, 9]);
});
