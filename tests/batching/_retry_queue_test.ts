import assert from "node:assert/strict";
import { RetryQueue, type SentBatch } from "../../src/batching/_retry_queue.ts";

const NOW = Date.UTC(2026, 0, 1);

function batch(token: string, lines: string[], notBefore?: number): SentBatch {
  const chars = lines.reduce((n, l) => n + l.length, 0);
  return { lines, start: 0, chars, token, ...(notBefore === undefined ? {} : { notBefore }) };
}

Deno.test("RetryQueue.shift(now) passes over a batch held for its shard until its notBefore", async (t) => {
  await t.step("the held batch waits; the next one goes", () => {
    const queue = new RetryQueue();
    queue.unshift([batch("held", ["a\n"], NOW + 1000), batch("free", ["bb\n", "cc\n"])]);
    assert.equal(queue.shift(NOW)?.token, "free");
    assert.equal(queue.rows, 1, "the held batch's rows are still counted");
    assert.equal(queue.chars, 2);
    assert.equal(queue.shift(NOW), undefined, "nothing may go yet");
    assert.equal(queue.rows, 1);
  });
  await t.step("at notBefore the held batch goes", () => {
    const queue = new RetryQueue();
    queue.unshift([batch("held", ["a\n"], NOW + 1000)]);
    assert.equal(queue.shift(NOW + 999), undefined);
    assert.equal(queue.shift(NOW + 1000)?.token, "held");
    assert.equal(queue.rows, 0);
    assert.equal(queue.chars, 0);
  });
  await t.step("oldest first among those that may go", () => {
    const queue = new RetryQueue();
    queue.unshift([
      batch("held", ["a\n"], NOW + 1000),
      batch("first", ["b\n"]),
      batch("second", ["c\n"], NOW - 1),
    ]);
    assert.deepEqual([queue.shift(NOW)?.token, queue.shift(NOW)?.token], ["first", "second"]);
  });
  await t.step("without a time, any batch goes, held or not", () => {
    const queue = new RetryQueue();
    queue.unshift([batch("held", ["a\n"], NOW + 1000)]);
    assert.equal(queue.shift()?.token, "held");
  });
  await t.step("a held batch still counts for first (the lowest row held)", () => {
    const queue = new RetryQueue();
    queue.unshift([{ ...batch("held", ["a\n"], NOW + 1000), first: 3 }]);
    queue.unshift([{ ...batch("free", ["b\n"]), first: 7 }]);
    queue.shift(NOW);
    assert.equal(queue.first, 3);
  });
});
