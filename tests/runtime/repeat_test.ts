import assert from "node:assert/strict";
import type { Clock, TimerHandle } from "../../src/runtime/clock.ts";
import { FakeClock } from "../../src/runtime/fake_clock.ts";
import { repeat } from "../../src/runtime/repeat.ts";

// A clock whose timers fire `lateMs` after they are due, like a busy event loop.
function lateClock(clock: FakeClock, lateMs: () => number): Clock {
  return {
    now: () => clock.now(),
    setTimeout: (fn, ms): TimerHandle => clock.setTimeout(fn, ms + lateMs()),
  };
}

Deno.test("repeat() ticks at start + n * period", async () => {
  const clock = new FakeClock(1000);
  const seen: number[] = [];
  const timer = repeat(clock, 100, () => seen.push(clock.now()));
  await clock.tick(350);
  assert.deepEqual(seen, [1100, 1200, 1300]);
  timer.cancel();
  await clock.tick(1000);
  assert.equal(seen.length, 3);
  assert.equal(clock.pendingTimers, 0);
});

Deno.test("repeat() does not drift when timers fire late", async () => {
  const fake = new FakeClock(0);
  const seen: number[] = [];
  const timer = repeat(lateClock(fake, () => 7), 1000, () => seen.push(fake.now()));
  await fake.tick(10_100);
  timer.cancel();
  assert.deepEqual(seen, [1007, 2007, 3007, 4007, 5007, 6007, 7007, 8007, 9007, 10_007]);
});

Deno.test("repeat() never repeats a tick when a timer fires early", async () => {
  const fake = new FakeClock(0);
  const seen: number[] = [];
  const timer = repeat(lateClock(fake, () => -1), 1000, () => seen.push(fake.now()));
  await fake.tick(3500);
  timer.cancel();
  assert.deepEqual(seen, [999, 1999, 2999]);
});

Deno.test("repeat() skips ticks missed while the runtime was busy", async () => {
  const fake = new FakeClock(0);
  let late = 2500;
  const seen: number[] = [];
  const timer = repeat(lateClock(fake, () => late), 1000, () => {
    seen.push(fake.now());
    late = 0;
  });
  await fake.tick(6000);
  timer.cancel();
  assert.deepEqual(seen, [3500, 4000, 5000, 6000]);
});

Deno.test("repeat() starts again from now when the clock goes backwards", async () => {
  let offset = 0;
  const fake = new FakeClock(100_000);
  const clock: Clock = {
    now: () => fake.now() + offset,
    setTimeout: (fn, ms) => fake.setTimeout(fn, ms),
  };
  const seen: number[] = [];
  const timer = repeat(clock, 1000, () => {
    seen.push(clock.now());
    if (seen.length === 2) offset = -50_000;
  });
  await fake.tick(4000);
  timer.cancel();
  assert.deepEqual(seen, [101_000, 102_000, 53_000, 54_000]);
});

Deno.test("repeat() keeps ticking when the callback throws or rejects", async () => {
  const clock = new FakeClock(0);
  const errors: unknown[] = [];
  let n = 0;
  const timer = repeat(clock, 10, () => {
    n++;
    if (n === 1) throw new Error("sync");
    if (n === 2) return Promise.reject(new Error("async"));
  }, { onError: (e) => errors.push((e as Error).message) });
  await clock.tick(40);
  timer.cancel();
  assert.equal(n, 4);
  assert.deepEqual(errors, ["sync", "async"]);
});

Deno.test("repeat() can be cancelled from its own callback", async () => {
  const clock = new FakeClock(0);
  let n = 0;
  const timer: TimerHandle = repeat(clock, 10, () => {
    if (++n === 2) timer.cancel();
  });
  await clock.tick(100);
  assert.equal(n, 2);
  assert.equal(clock.pendingTimers, 0);
});

Deno.test("repeat() schedules nothing where the clock has no background timers", async () => {
  const clock = new FakeClock(0, { backgroundTimers: false });
  let n = 0;
  const timer = repeat(clock, 10, () => n++);
  assert.equal(clock.pendingTimers, 0);
  await clock.tick(100);
  assert.equal(n, 0);
  timer.cancel();
});

Deno.test("repeat() throws a RangeError for a period that is not above 0", () => {
  for (const period of [0, -1, NaN, Infinity]) {
    assert.throws(() => repeat(new FakeClock(), period, () => {}), RangeError);
  }
});
