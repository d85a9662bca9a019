import assert from "node:assert/strict";
import { FakeClock } from "../../src/runtime/fake_clock.ts";

Deno.test("FakeClock.tick() fires due timers in time order and moves now()", async () => {
  const clock = new FakeClock(1000);
  const fired: string[] = [];
  clock.setTimeout(() => fired.push(`b@${clock.now()}`), 200);
  clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100);
  const cancelled = clock.setTimeout(() => fired.push("never"), 150);
  cancelled.cancel();
  await clock.tick(150);
  assert.deepEqual(fired, ["a@1100"]);
  assert.equal(clock.now(), 1150);
  await clock.tick(100);
  assert.deepEqual(fired, ["a@1100", "b@1200"]);
  assert.equal(clock.pendingTimers, 0);
});

Deno.test("FakeClock.tick() fires timers scheduled by timers within the same tick", async () => {
  const clock = new FakeClock();
  let count = 0;
  const again = () => {
    count++;
    clock.setTimeout(again, 10);
  };
  clock.setTimeout(again, 10);
  await clock.tick(55);
  assert.equal(count, 5);
});
