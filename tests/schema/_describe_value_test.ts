import assert from "node:assert/strict";
import { describeValue } from "../../src/schema/_describe_value.ts";

Deno.test("describeValue() names class instances by their class, with the right article", () => {
  assert.equal(describeValue(new Int8Array(2)), "an Int8Array");
  assert.equal(describeValue(new Uint8Array(2)), "a Uint8Array");
  assert.equal(describeValue(new Set([1])), "a Set");
  assert.equal(describeValue(new URL("http://x/")), "a URL");
  assert.equal(describeValue({ a: 1, b: 2 }), "an object {a, b}");
  assert.equal(describeValue(Object.create(null)), "an object {}");
});
