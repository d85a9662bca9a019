import assert from "node:assert/strict";
import { attributeText } from "../../src/logging/_attribute_text.ts";

Deno.test("attributeText() writes strings as they are and scalars in decimal", () => {
  assert.equal(attributeText("r-1"), "r-1");
  assert.equal(attributeText(12.5), "12.5");
  assert.equal(attributeText(false), "false");
  assert.equal(attributeText(2n ** 64n), "18446744073709551616");
  assert.equal(attributeText(null), "null");
  assert.equal(attributeText(undefined), "undefined");
});

Deno.test("attributeText() writes dates in ISO 8601, errors by title, objects as JSON", () => {
  assert.equal(
    attributeText(new Date(Date.UTC(2026, 10, 30, 1, 2, 3, 4))),
    "2026-11-30T01:02:03.004Z",
  );
  assert.equal(attributeText(new Date(Number.NaN)), "Invalid Date");
  assert.equal(attributeText(new TypeError("bad")), "TypeError: bad");
  assert.equal(attributeText({ a: [1, "x"], b: null }), '{"a":[1,"x"],"b":null}');
});

Deno.test("attributeText() never throws, and mends text that is not well formed", () => {
  const cyclic: Record<string, unknown> = { id: 7 };
  cyclic.self = cyclic;
  assert.equal(attributeText(cyclic), "{ id: 7, self: [Circular] }");
  assert.equal(attributeText({ big: 1n }), "{ big: 1n }");
  const hostile = {
    toJSON() {
      throw new Error("no");
    },
  };
  assert.equal(typeof attributeText(hostile), "string");
  assert.equal(attributeText("cut \uD83E"), "cut \uFFFD");
  assert.equal(attributeText(Symbol("s")), "Symbol(s)");
});
