import assert from "node:assert/strict";
import { Backoff } from "../../src/batching/backoff.ts";
import { TuskClickHouseError } from "../../src/errors.ts";

/** A failure carrying a server's `Retry-After`, as the transport makes one. */
function busy(retryAfterMs: number | undefined): TuskClickHouseError {
  return new TuskClickHouseError({
    action: 'Cannot insert into "db.t"',
    detail: "HTTP 503",
    status: 503,
    kind: "server",
    retryable: true,
    retryAfterMs,
  });
}

const REFUSED = new TypeError("error sending request: Connection refused (os error 111)");

/** Runs `fn` with `Math.random` answering `value`, so the jitter is known. */
function withRandom<T>(value: number, fn: () => T): T {
  const random = Math.random;
  Math.random = () => value;
  try {
    return fn();
  } finally {
    Math.random = random;
  }
}

/** The delays of `n` failures in a row of a new backoff. */
function delays(baseMs: number, maxMs: number, n: number, error: unknown = REFUSED): number[] {
  const backoff = new Backoff(baseMs, maxMs);
  return Array.from({ length: n }, (_, i) => backoff.fail(error, i * 1000));
}

Deno.test("Backoff.fail() doubles the delay from baseMs up to maxMs", async (t) => {
  await t.step("without jitter (random 0.5) the delays are exact", () => {
    assert.deepEqual(
      withRandom(0.5, () => delays(100, 1000, 7)),
      [100, 200, 400, 800, 1000, 1000, 1000],
    );
  });
  await t.step("the lowest jitter is 20 % under", () => {
    assert.deepEqual(withRandom(0, () => delays(100, 1000, 5)), [80, 160, 320, 640, 800]);
  });
  await t.step("the highest jitter approaches 20 % over", () => {
    const highest = withRandom(1 - Number.EPSILON, () => delays(100, 1000, 5));
    const expected = [120, 240, 480, 960, 1200];
    for (let i = 0; i < expected.length; i++) {
      assert.ok(
        Math.abs(highest[i]! - expected[i]!) < 1e-6,
        `failure ${i + 1}: ${highest[i]} is not about ${expected[i]}`,
      );
    }
  });
  await t.step("after very many failures the delay stays at maxMs (finite)", () => {
    const last = withRandom(0.5, () => delays(100, 60_000, 200).at(-1)!);
    assert.equal(last, 60_000);
  });
});

Deno.test("Backoff.fail() jitters every delay within ±20 % of its step", () => {
  const base = 100;
  const max = 3200;
  const steps = [100, 200, 400, 800, 1600, 3200, 3200];
  const seen = steps.map(() => ({ low: Infinity, high: -Infinity }));
  for (let run = 0; run < 2000; run++) {
    const got = delays(base, max, steps.length);
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      assert.ok(
        got[i]! >= 0.8 * step && got[i]! <= 1.2 * step,
        `failure ${i + 1}: ${got[i]} outside [${0.8 * step}, ${1.2 * step}]`,
      );
      seen[i]!.low = Math.min(seen[i]!.low, got[i]!);
      seen[i]!.high = Math.max(seen[i]!.high, got[i]!);
    }
  }
  // 2000 draws spread over the whole band: the jitter is there, both ways.
  for (let i = 0; i < steps.length; i++) {
    assert.ok(seen[i]!.low < 0.82 * steps[i]!, `failure ${i + 1}: lowest ${seen[i]!.low}`);
    assert.ok(seen[i]!.high > 1.18 * steps[i]!, `failure ${i + 1}: highest ${seen[i]!.high}`);
  }
});

Deno.test("Backoff.fail() waits as long as the server's Retry-After when that is longer", async (t) => {
  await t.step("a longer Retry-After wins over the backoff", () => {
    const backoff = new Backoff(100, 1000);
    assert.equal(backoff.fail(busy(5000), 0), 5000);
  });
  await t.step("a Retry-After beyond maxMs still wins", () => {
    const backoff = new Backoff(100, 1000);
    assert.equal(backoff.fail(busy(30_000), 0), 30_000);
  });
  await t.step("a shorter Retry-After gives way to the backoff", () => {
    const got = withRandom(0.5, () => {
      const backoff = new Backoff(100, 1000);
      backoff.fail(REFUSED, 0);
      backoff.fail(REFUSED, 0);
      return backoff.fail(busy(50), 0); // third failure: 400
    });
    assert.equal(got, 400);
  });
  await t.step("a failure without Retry-After uses the backoff", () => {
    assert.equal(withRandom(0.5, () => new Backoff(100, 1000).fail(busy(undefined), 0)), 100);
  });
  await t.step("only a TuskClickHouseError is read for Retry-After", () => {
    const lookalike = Object.assign(new Error("busy"), { retryAfterMs: 5000 });
    assert.equal(withRandom(0.5, () => new Backoff(100, 1000).fail(lookalike, 0)), 100);
  });
  await t.step("a failure with Retry-After still counts: the next one doubles", () => {
    const got = withRandom(0.5, () => {
      const backoff = new Backoff(100, 1000);
      backoff.fail(busy(5000), 0);
      return backoff.fail(REFUSED, 0);
    });
    assert.equal(got, 200);
  });
  await t.step("waitLeft() follows the Retry-After", () => {
    const backoff = new Backoff(100, 1000);
    backoff.fail(busy(5000), 10_000);
    assert.equal(backoff.waitLeft(10_000), 5000);
    assert.equal(backoff.waitLeft(14_999), 1);
    assert.equal(backoff.waitLeft(15_000), 0);
  });
});

Deno.test("Backoff.succeed() starts the next failure from baseMs again", async (t) => {
  await t.step("the delay after a success is baseMs", () => {
    const got = withRandom(0.5, () => {
      const backoff = new Backoff(100, 10_000);
      for (let i = 0; i < 5; i++) backoff.fail(REFUSED, 0);
      backoff.succeed();
      return [backoff.fail(REFUSED, 0), backoff.fail(REFUSED, 0)];
    });
    assert.deepEqual(got, [100, 200]);
  });
  await t.step("no wait is left after a success", () => {
    const backoff = new Backoff(100, 10_000);
    backoff.fail(busy(60_000), 0);
    assert.ok(backoff.waitLeft(0) > 0);
    backoff.succeed();
    assert.equal(backoff.waitLeft(0), 0);
  });
});

Deno.test("Backoff.waitLeft(now) says how long until the next attempt may start", async (t) => {
  await t.step("0 before any failure, whatever the time", () => {
    const backoff = new Backoff(100, 1000);
    for (const now of [0, 1, Date.now(), Number.MAX_SAFE_INTEGER]) {
      assert.equal(backoff.waitLeft(now), 0);
    }
  });
  await t.step("the whole delay at the failure, less as time passes, 0 once it has passed", () => {
    const backoff = new Backoff(1000, 60_000);
    const at = 1_700_000_000_000;
    const delay = backoff.fail(REFUSED, at);
    assert.ok(delay >= 800 && delay <= 1200, `delay ${delay}`);
    // Epoch times hold a fractional delay to about 0.001 ms.
    assert.ok(Math.abs(backoff.waitLeft(at) - delay) < 0.01, `${backoff.waitLeft(at)}`);
    assert.ok(Math.abs(backoff.waitLeft(at + delay / 2) - delay / 2) < 0.01);
    assert.ok(Math.abs(backoff.waitLeft(at + delay - 1) - 1) < 0.01);
    assert.equal(backoff.waitLeft(at + delay), 0);
    assert.equal(backoff.waitLeft(at + delay + 10_000), 0);
  });
  await t.step("measured from the latest failure", () => {
    const backoff = new Backoff(1000, 60_000);
    withRandom(0.5, () => {
      backoff.fail(REFUSED, 0); // 1000: until 1000
      backoff.fail(REFUSED, 5000); // 2000: until 7000
    });
    assert.equal(backoff.waitLeft(5000), 2000);
    assert.equal(backoff.waitLeft(7000), 0);
  });
});

Deno.test("Backoff.fail() waits the longest delay at once for a failure that will not pass", () => {
  const backoff = new Backoff(1000, 60_000);
  const auth = new TuskClickHouseError({
    action: "Cannot insert",
    detail: "Authentication failed",
    status: 516,
    code: 516,
    kind: "auth",
    retryable: false,
  });
  const delay = backoff.fail(auth, 0);
  assert.ok(delay >= 48_000 && delay <= 72_000, `first delay ${delay}`);
  backoff.succeed();
  const network = new TuskClickHouseError({
    action: "Cannot insert",
    detail: "network error",
    status: 0,
    kind: "network",
    retryable: true,
  });
  const first = backoff.fail(network, 0);
  assert.ok(first >= 800 && first <= 1200, `a retryable failure starts at the base: ${first}`);
});
