import assert from "node:assert/strict";
import { requestDeadline } from "../../src/transport/request_deadline.ts";
import { spawnDenoScript } from "../_helpers/deno_script.ts";

function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* busy: no timer or I/O callback can run */ }
}

// The deadline's timer is unreferenced; a real request's I/O keeps the program running meanwhile.
async function aborted(signal: AbortSignal): Promise<void> {
  const running = setInterval(() => {}, 1_000);
  await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
  clearInterval(running);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("requestDeadline() aborts its signal after timeoutMs with a TimeoutError saying after how long", async () => {
  const started = performance.now();
  const deadline = requestDeadline(100);
  await aborted(deadline.signal);
  const took = performance.now() - started;
  assert.ok(took >= 95 && took < 1_000, `aborted after ${took.toFixed(0)} ms`);
  assert.ok(deadline.timeoutError instanceof Error);
  assert.equal(deadline.timeoutError.name, "TimeoutError");
  assert.equal(deadline.timeoutError.message, "Timeout error: the request timed out after 0.1 s");
  assert.equal(deadline.signal.reason, deadline.timeoutError);
});

Deno.test("requestDeadline() counts a blocked event loop as about one tenth of the limit, however long", async () => {
  const deadline = requestDeadline(200);
  blockEventLoop(1_000);
  const freed = performance.now();
  await aborted(deadline.signal);
  const free = performance.now() - freed;
  // One step of 20 ms, plus a quarter, went to the blocked second: about 175 ms were left.
  assert.ok(free >= 150, `aborted ${free.toFixed(0)} ms after the loop was free`);
  assert.ok(deadline.timeoutError !== undefined);
});

Deno.test("requestDeadline().clear() stops the timer: the signal never aborts", async () => {
  const deadline = requestDeadline(50);
  deadline.clear();
  deadline.clear();
  await sleep(150);
  assert.equal(deadline.signal.aborted, false);
  assert.equal(deadline.timeoutError, undefined);
});

Deno.test("requestDeadline() follows the caller's signal, with its reason", async (t) => {
  await t.step("when it aborts later: at once, and the timer stops", async () => {
    const caller = new AbortController();
    const deadline = requestDeadline(50, caller.signal);
    caller.abort("closing");
    assert.equal(deadline.signal.aborted, true);
    assert.equal(deadline.signal.reason, "closing");
    await sleep(150);
    assert.equal(deadline.timeoutError, undefined, "no timeout after the caller's abort");
  });
  await t.step("when it was aborted already", () => {
    const deadline = requestDeadline(50, AbortSignal.abort("gone"));
    assert.equal(deadline.signal.reason, "gone");
    assert.equal(deadline.timeoutError, undefined);
  });
  await t.step("and lets go of it once cleared", async () => {
    const caller = new AbortController();
    const deadline = requestDeadline(1_000, caller.signal);
    deadline.clear();
    caller.abort("late");
    assert.equal(deadline.signal.aborted, false);
    await sleep(1);
  });
});

Deno.test("requestDeadline() never keeps a process alive", async () => {
  const started = performance.now();
  const child = await spawnDenoScript(
    `import { requestDeadline } from "./src/transport/request_deadline.ts";
     requestDeadline(60_000);
     console.log("started");`,
    {},
  );
  const { code, stdout } = await child.output();
  const took = performance.now() - started;
  assert.equal(code, 0);
  assert.equal(new TextDecoder().decode(stdout).trim(), "started");
  assert.ok(took < 30_000, `exited after ${took.toFixed(0)} ms`);
});
