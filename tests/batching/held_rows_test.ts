import assert from "node:assert/strict";
import { type HeldRow, HeldRows } from "../../src/batching/held_rows.ts";

const row = (n: number): HeldRow => ({ row: { n }, time: 1_000 + n });
const numbers = (rows: HeldRow[]) => rows.map((r) => r.row.n);

function filled(count: number): HeldRows {
  const held = new HeldRows();
  for (let n = 0; n < count; n++) held.push(row(n));
  return held;
}

Deno.test("HeldRows.push() appends at the back and counts the rows", () => {
  const held = new HeldRows();
  assert.equal(held.size, 0);
  held.push(row(0));
  held.push(row(1));
  assert.equal(held.size, 2);
  assert.deepEqual(held.takeAll(), [row(0), row(1)]);
});

Deno.test("HeldRows.takeAll() returns every row oldest first and empties the queue", async (t) => {
  await t.step("with nothing dropped", () => {
    const held = filled(5);
    assert.deepEqual(numbers(held.takeAll()), [0, 1, 2, 3, 4]);
    assert.equal(held.size, 0);
    assert.deepEqual(held.takeAll(), []);
  });
  await t.step("after the oldest were dropped", () => {
    const held = filled(5);
    held.dropOldest(2);
    assert.deepEqual(numbers(held.takeAll()), [2, 3, 4]);
    assert.equal(held.size, 0);
  });
  await t.step("the queue is usable again after it", () => {
    const held = filled(3);
    held.dropOldest(1);
    held.takeAll();
    held.push(row(9));
    assert.equal(held.size, 1);
    assert.deepEqual(numbers(held.takeAll()), [9]);
  });
  await t.step("the rows returned are not changed by later use of the queue", () => {
    const held = filled(3);
    const taken = held.takeAll();
    held.push(row(7));
    held.dropOldest(1);
    assert.deepEqual(numbers(taken), [0, 1, 2]);
  });
});

Deno.test("HeldRows.dropOldest() drops from the front and says how many", async (t) => {
  await t.step("fewer than held", () => {
    const held = filled(5);
    assert.equal(held.dropOldest(3), 3);
    assert.equal(held.size, 2);
    assert.deepEqual(numbers(held.takeAll()), [3, 4]);
  });
  await t.step("more than held drops them all", () => {
    const held = filled(2);
    assert.equal(held.dropOldest(10), 2);
    assert.equal(held.size, 0);
    assert.deepEqual(held.takeAll(), []);
  });
  await t.step("from an empty queue drops nothing", () => {
    assert.equal(new HeldRows().dropOldest(1), 0);
  });
  await t.step("zero drops nothing", () => {
    const held = filled(2);
    assert.equal(held.dropOldest(0), 0);
    assert.equal(held.size, 2);
  });
});

Deno.test("HeldRows.dropOldest() keeps the order across compaction", async (t) => {
  await t.step("dropping one at a time, interleaved with pushes", () => {
    // Steady state of a full buffer: one row in, the oldest out; the dead
    // front passes the compaction threshold (1024, half the array) many times.
    const held = filled(3_000);
    let next = 3_000;
    for (let i = 0; i < 10_000; i++) {
      assert.equal(held.dropOldest(1), 1);
      held.push(row(next++));
    }
    assert.equal(held.size, 3_000);
    const expected = Array.from({ length: 3_000 }, (_, i) => 10_000 + i);
    assert.deepEqual(numbers(held.takeAll()), expected);
  });
  await t.step("dropping in large steps", () => {
    const held = filled(10_000);
    assert.equal(held.dropOldest(1_500), 1_500); // head 1500 of 10000: no compaction yet
    assert.equal(held.dropOldest(4_000), 4_000); // head 5500 > half: compacted
    held.push(row(10_000));
    assert.equal(held.dropOldest(1), 1);
    assert.equal(held.size, 4_500);
    const expected = Array.from({ length: 4_500 }, (_, i) => 5_501 + i);
    assert.deepEqual(numbers(held.takeAll()), expected);
  });
  await t.step("size stays exact through compaction", () => {
    const held = filled(5_000);
    let size = 5_000;
    for (let i = 0; i < 4_000; i++) {
      held.dropOldest(1);
      assert.equal(held.size, --size);
    }
    assert.deepEqual(numbers(held.takeAll()).slice(0, 3), [4_000, 4_001, 4_002]);
  });
});

Deno.test("HeldRows.dropOldest() one at a time costs O(1) per row: 200,000 rows drop about as fast as they were held", () => {
  const count = 200_000;
  const rows = Array.from({ length: count }, (_, n) => row(n));
  const held = new HeldRows();
  // Warm both paths up so neither measurement pays for compilation.
  for (let i = 0; i < 2_000; i++) held.push(rows[i]!);
  while (held.size > 0) held.dropOldest(1);

  let start = performance.now();
  for (let i = 0; i < count; i++) held.push(rows[i]!);
  const pushMs = performance.now() - start;

  start = performance.now();
  let dropped = 0;
  for (let i = 0; i < count; i++) dropped += held.dropOldest(1);
  const dropMs = performance.now() - start;

  assert.equal(dropped, count);
  assert.equal(held.size, 0);
  // An O(n) drop (splice(0, 1)) of 200,000 rows costs seconds, thousands of
  // times the push loop; O(1) drops cost a few times it at most. The floor of
  // 20 ms keeps a push loop that was very fast from making the bound tight.
  const bound = 25 * Math.max(pushMs, 20);
  assert.ok(
    dropMs < bound,
    `dropping ${count} rows took ${dropMs.toFixed(1)} ms, holding them ${pushMs.toFixed(1)} ms`,
  );
});

Deno.test("HeldRows.clear() empties the queue", () => {
  const held = filled(4);
  held.dropOldest(1);
  held.clear();
  assert.equal(held.size, 0);
  assert.deepEqual(held.takeAll(), []);
  assert.equal(held.dropOldest(1), 0);
});
