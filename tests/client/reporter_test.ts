import assert from "node:assert/strict";
import { isReporting, Reporter } from "../../src/client/reporter.ts";

Deno.test("Reporter.report() passes one problem per message per 10 seconds to onError", () => {
  let now = 0;
  const seen: string[] = [];
  const reporter = new Reporter(() => now, (error) => seen.push(error.message));
  for (let i = 0; i < 5; i++) reporter.report(new Error("table is down"));
  reporter.report(new Error("another problem"));
  assert.deepEqual(seen, ["table is down", "another problem"]);
  now = 9_999;
  reporter.report(new Error("table is down"));
  assert.equal(seen.length, 2, "still inside the window");
  now = 10_000;
  reporter.report(new Error("table is down"));
  assert.deepEqual(seen, ["table is down", "another problem", "table is down"]);
});

Deno.test("Reporter.report() rate-limits by key when one is given", () => {
  const seen: string[] = [];
  const reporter = new Reporter(() => 0, (error) => seen.push(error.message));
  reporter.report(new Error("dropped 1 row"), "budget:db.t");
  reporter.report(new Error("dropped 2 rows"), "budget:db.t");
  assert.deepEqual(seen, ["dropped 1 row"]);
});

Deno.test("Reporter.report() never throws, even when onError does, and says when it is delivering", () => {
  let during = false;
  const reporter = new Reporter(() => 0, () => {
    during = isReporting();
    throw new Error("onError broke");
  });
  reporter.report(new Error("x"));
  assert.equal(during, true);
  assert.equal(isReporting(), false);
});

Deno.test("Reporter.report() makes a lazily given error only when it delivers it", () => {
  let now = 0;
  let made = 0;
  const seen: string[] = [];
  const reporter = new Reporter(() => now, (error) => seen.push(error.message));
  const drop = () => {
    made++;
    return new Error(`dropped row ${made}`);
  };
  for (let i = 0; i < 1000; i++) reporter.report(drop, "budget:db.t");
  assert.equal(made, 1, "the 999 repeats inside the window made no error");
  now = 10_000;
  reporter.report(drop, "budget:db.t");
  assert.deepEqual(seen, ["dropped row 1", "dropped row 2"]);
});
