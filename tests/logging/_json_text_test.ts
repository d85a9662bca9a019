import assert from "node:assert/strict";
import { jsonText } from "../../src/logging/_json_text.ts";

Deno.test("jsonText() writes any value as JSON", async (t) => {
  await t.step("plain values as JSON.stringify writes them", () => {
    for (const value of ['a"b', 1.5, true, null, [1, "x"], { a: { b: [null] } }]) {
      assert.equal(jsonText(value), JSON.stringify(value));
    }
    assert.equal(jsonText({ a: 1 }, 2), '{\n  "a": 1\n}');
  });
  await t.step("a bigint as its digits, an Error as name, message and stack", () => {
    assert.equal(jsonText(12345678901234567890n), '"12345678901234567890"');
    const error = new TypeError("bad");
    assert.deepEqual(JSON.parse(jsonText({ error })), {
      error: { name: "TypeError", message: "bad", stack: error.stack },
    });
  });
  await t.step('a cycle as "[Circular]", a value seen twice in full', () => {
    const shared = { n: 1 };
    const cyclic: Record<string, unknown> = { shared, again: shared };
    cyclic.self = cyclic;
    assert.deepEqual(JSON.parse(jsonText(cyclic)), {
      shared: { n: 1 },
      again: { n: 1 },
      self: "[Circular]",
    });
    const error = new Error("loop");
    error.cause = error;
    assert.equal(JSON.parse(jsonText(error)).cause, "[Circular]");
  });
  await t.step("what JSON has no form for as its String(); what throws as [unprintable]", () => {
    assert.equal(jsonText(undefined), '"undefined"');
    assert.equal(jsonText(Symbol("s")), '"Symbol(s)"');
    assert.equal(
      jsonText({
        toJSON: () => {
          throw new Error("no");
        },
      }),
      '"[unprintable]"',
    );
  });
});
