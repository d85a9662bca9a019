import assert from "node:assert/strict";
import { FlushGate } from "../../src/batching/flush_gate.ts";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

Deno.test("FlushGate.run() never runs two flushes at once and queues one after", async () => {
  const gate = new FlushGate();
  const first = deferred();
  let running = 0;
  let maxRunning = 0;
  let runs = 0;
  const task = async () => {
    running++;
    runs++;
    maxRunning = Math.max(maxRunning, running);
    if (runs === 1) await first.promise;
    running--;
  };
  const a = gate.run(task);
  const b = gate.run(task);
  const c = gate.run(task);
  assert.equal(b, c, "calls during a flush share the queued one");
  await Promise.resolve();
  assert.equal(runs, 1);
  first.resolve();
  await Promise.all([a, b, c]);
  assert.equal(runs, 2);
  assert.equal(maxRunning, 1);
  assert.equal(gate.busy, false);
});

Deno.test("FlushGate.run() starts the queued flush even when the running one fails", async () => {
  const gate = new FlushGate();
  let runs = 0;
  const failing = gate.run(async () => {
    runs++;
    await Promise.resolve();
    throw new Error("boom");
  });
  const next = gate.run(() => {
    runs++;
    return Promise.resolve();
  });
  await assert.rejects(failing, /boom/);
  await next;
  assert.equal(runs, 2);
  await gate.idle();
});

Deno.test("FlushGate.run() queues a flush asked for from inside a starting flush", async () => {
  const gate = new FlushGate();
  let running = 0;
  let overlapped = false;
  let inner: Promise<void> | undefined;
  const task = async () => {
    running++;
    if (running > 1) overlapped = true;
    inner ??= gate.run(task); // e.g. a write that fills the buffer during the flush's start
    await Promise.resolve();
    running--;
  };
  await gate.run(task);
  await inner;
  assert.equal(overlapped, false);
});
