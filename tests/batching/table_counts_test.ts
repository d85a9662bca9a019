import assert from "node:assert/strict";
import { TableCounts } from "../../src/batching/table_counts.ts";

Deno.test("TableCounts starts at zero", () => {
  const counts = new TableCounts();
  assert.equal(counts.received, 0);
  assert.equal(counts.written, 0);
  assert.equal(counts.retried, 0);
  assert.equal(counts.failedBatches, 0);
  assert.deepEqual(counts.dropped, {});
  assert.equal(counts.droppedTotal, 0);
  assert.equal(counts.lastError, undefined);
});

Deno.test("TableCounts.drop() counts rows by reason", async (t) => {
  await t.step("adds to the reason's count", () => {
    const counts = new TableCounts();
    counts.drop("invalid", 2);
    counts.drop("invalid", 3);
    counts.drop("buffer_full", 7);
    assert.deepEqual(counts.dropped, { invalid: 5, buffer_full: 7 });
  });
  await t.step("zero rows leave no entry for the reason", () => {
    const counts = new TableCounts();
    counts.drop("closed", 0);
    assert.deepEqual(counts.dropped, {});
    assert.equal("closed" in counts.dropped, false);
  });
  await t.step("a negative count changes nothing", () => {
    const counts = new TableCounts();
    counts.drop("rejected", 1);
    counts.drop("rejected", -4);
    assert.deepEqual(counts.dropped, { rejected: 1 });
  });
});

Deno.test("TableCounts.droppedTotal sums every reason", () => {
  const counts = new TableCounts();
  counts.drop("invalid", 1);
  counts.drop("rejected", 20);
  counts.drop("buffer_full", 300);
  counts.drop("closed", 4_000);
  assert.equal(counts.droppedTotal, 4_321);
});

Deno.test("TableCounts.problem() keeps the last problem", () => {
  const counts = new TableCounts();
  counts.problem("first", 1_000);
  counts.problem("second", 2_000);
  assert.equal(counts.lastError, "second");
  assert.equal(counts.snapshot("c", "db.t", 0).lastErrorAt, new Date(2_000).toISOString());
});

Deno.test("TableCounts.snapshot() gives the figures as stats() shows them", async (t) => {
  await t.step("every figure, with the client, table and pending given", () => {
    const counts = new TableCounts();
    counts.received = 100;
    counts.written = 80;
    counts.retried = 6;
    counts.failedBatches = 2;
    counts.drop("invalid", 3);
    counts.drop("buffer_full", 5);
    assert.deepEqual(counts.snapshot("default", "db.cpu", 12), {
      client: "default",
      table: "db.cpu",
      received: 100,
      written: 80,
      pending: 12,
      retried: 6,
      dropped: { invalid: 3, buffer_full: 5 },
      failedBatches: 2,
    });
  });
  await t.step("no lastError or lastErrorAt keys before a problem", () => {
    const snapshot = new TableCounts().snapshot("default", "db.cpu", 0);
    assert.equal("lastError" in snapshot, false);
    assert.equal("lastErrorAt" in snapshot, false);
  });
  await t.step("lastErrorAt is the problem's time as an ISO 8601 UTC string", () => {
    const counts = new TableCounts();
    const at = Date.UTC(2026, 11, 1, 8, 30, 15, 250);
    counts.problem('Cannot insert into "db.cpu": connection refused', at);
    const snapshot = counts.snapshot("default", "db.cpu", 0);
    assert.equal(snapshot.lastError, 'Cannot insert into "db.cpu": connection refused');
    assert.equal(snapshot.lastErrorAt, "2026-12-01T08:30:15.250Z");
  });
  await t.step("dropped is a copy: later drops do not change a snapshot taken before", () => {
    const counts = new TableCounts();
    counts.drop("invalid", 1);
    const snapshot = counts.snapshot("default", "db.cpu", 0);
    counts.drop("invalid", 1);
    snapshot.dropped.invalid = 99;
    assert.deepEqual(counts.dropped, { invalid: 2 });
    assert.deepEqual(counts.snapshot("default", "db.cpu", 0).dropped, { invalid: 2 });
  });
});
