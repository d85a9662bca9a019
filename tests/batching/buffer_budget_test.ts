import assert from "node:assert/strict";
import { type BudgetMember, BufferBudget } from "../../src/batching/buffer_budget.ts";

function member(budget: BufferBudget, priority: "normal" | "high"): BudgetMember & {
  rows: string[];
  inFlight: string[];
  add(chars: number): boolean;
} {
  const m = {
    priority,
    rows: [] as string[],
    /** Rows taken for an insert: held, but not droppable. */
    inFlight: [] as string[],
    get droppableRows() {
      return m.rows.length;
    },
    get inFlightRows() {
      return m.inFlight.length;
    },
    evict(rows: number, chars: number) {
      let r = 0;
      let c = 0;
      while ((r < rows || c < chars) && m.rows.length > 0) {
        c += m.rows.shift()!.length;
        r++;
      }
      budget.change(-r, -c);
    },
    add(chars: number) {
      if (!budget.admit(m, chars)) return false;
      m.rows.push("x".repeat(chars));
      budget.change(1, chars);
      return true;
    },
  };
  budget.join(m);
  return m;
}

Deno.test("BufferBudget.admit() drops the oldest rows of the largest normal table", () => {
  const budget = new BufferBudget({ maxRows: 4, maxChars: 1000, policy: "drop_oldest" });
  const big = member(budget, "normal");
  const small = member(budget, "normal");
  big.add(1), big.add(2), big.add(3), small.add(9);
  assert.equal(small.add(10), true);
  assert.deepEqual(big.rows.map((r) => r.length), [2, 3]);
  assert.equal(budget.rows, 4);
});

Deno.test("BufferBudget.admit() keeps the character cap", () => {
  const budget = new BufferBudget({ maxRows: 100, maxChars: 10, policy: "drop_oldest" });
  const m = member(budget, "normal");
  m.add(4), m.add(4);
  assert.equal(m.add(5), true);
  assert.deepEqual(m.rows.map((r) => r.length), [4, 5]);
  assert.equal(m.add(11), false, "a row larger than the cap never fits");
});

Deno.test("BufferBudget.admit() drops heartbeat rows last", async (t) => {
  await t.step("drop_oldest: a normal row never evicts a high-priority one", () => {
    const budget = new BufferBudget({ maxRows: 2, maxChars: 1000, policy: "drop_oldest" });
    const beats = member(budget, "high");
    const rows = member(budget, "normal");
    beats.add(1), beats.add(1);
    assert.equal(rows.add(1), false);
    assert.equal(beats.rows.length, 2);
  });
  await t.step("drop_newest: a high-priority row evicts normal ones", () => {
    const budget = new BufferBudget({ maxRows: 2, maxChars: 1000, policy: "drop_newest" });
    const beats = member(budget, "high");
    const rows = member(budget, "normal");
    rows.add(1), rows.add(1);
    assert.equal(rows.add(1), false, "the newest normal row is refused");
    assert.equal(beats.add(1), true);
    assert.equal(rows.rows.length, 1);
  });
});

Deno.test("BufferBudget: a heartbeat never drops an older beat while other rows are only in flight", async (t) => {
  await t.step("admit() takes the cap over for the beat", () => {
    const budget = new BufferBudget({ maxRows: 3, maxChars: 1000, policy: "drop_oldest" });
    const beats = member(budget, "high");
    const rows = member(budget, "normal");
    beats.add(1);
    rows.add(1), rows.add(1);
    rows.inFlight = rows.rows.splice(0); // both taken for an insert
    assert.equal(beats.add(1), true, "the new beat is kept");
    assert.equal(beats.rows.length, 2, "the older beat too");
    assert.equal(budget.rows, 4, "over the cap of 3 while the insert runs");
    assert.equal(rows.add(1), false, "a normal row still finds no room");
  });
  await t.step("rebalance() drops normal rows once they are back from a failed insert", () => {
    const budget = new BufferBudget({ maxRows: 3, maxChars: 1000, policy: "drop_oldest" });
    const beats = member(budget, "high");
    const rows = member(budget, "normal");
    beats.add(1);
    rows.add(1), rows.add(1);
    rows.inFlight = rows.rows.splice(0);
    beats.add(1);
    rows.rows = rows.inFlight.splice(0); // the insert failed: the rows wait for a retry
    budget.rebalance();
    assert.equal(budget.rows, 3, "back under the cap");
    assert.equal(rows.rows.length, 1, "by dropping the oldest normal row");
    assert.equal(beats.rows.length, 2, "never a beat");
  });
  await t.step("with nothing in flight, the oldest beat goes as before", () => {
    const budget = new BufferBudget({ maxRows: 2, maxChars: 1000, policy: "drop_oldest" });
    const beats = member(budget, "high");
    beats.add(1), beats.add(2);
    assert.equal(beats.add(3), true);
    assert.deepEqual(beats.rows.map((r) => r.length), [2, 3]);
    assert.equal(budget.rows, 2);
  });
});
