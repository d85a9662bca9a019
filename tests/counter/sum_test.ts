import assert from "node:assert/strict";
import { addSum, checkIncrement, isNegative } from "../../src/counter/_sum.ts";

Deno.test("addSum() stays a number while safe and switches to bigint past 2^53", () => {
  assert.equal(addSum(1, 4), 5);
  assert.equal(addSum(Number.MAX_SAFE_INTEGER - 1, 1), Number.MAX_SAFE_INTEGER);
  assert.equal(addSum(Number.MAX_SAFE_INTEGER, 1), 2n ** 53n);
  assert.equal(addSum(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER), 2n ** 54n - 2n);
  assert.equal(addSum(-Number.MAX_SAFE_INTEGER, -2), -(2n ** 53n) - 1n);
  assert.equal(addSum(2n ** 64n, 1), 2n ** 64n + 1n);
  assert.equal(addSum(5, -7), -2);
});

Deno.test("checkIncrement() takes safe integers and bigints only", () => {
  assert.equal(checkIncrement(3), 3);
  assert.equal(checkIncrement(-3), -3);
  assert.equal(checkIncrement(2n ** 70n), 2n ** 70n);
  assert.throws(() => checkIncrement(1.5), RangeError);
  assert.throws(() => checkIncrement(2 ** 60), /pass a bigint/);
  assert.throws(() => checkIncrement(Number.NaN), RangeError);
  assert.throws(() => checkIncrement("1"), TypeError);
  assert.equal(isNegative(-1), true);
  assert.equal(isNegative(-1n), true);
  assert.equal(isNegative(0), false);
});
