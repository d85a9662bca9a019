import assert from "node:assert/strict";
import { copyTags, tagKey } from "../../src/counter/_tag_key.ts";

Deno.test("tagKey() does not depend on the order of the keys", () => {
  assert.equal(
    tagKey({ resource_id: "ABC111", requester_ip: "1.2.3.4" }),
    tagKey({ requester_ip: "1.2.3.4", resource_id: "ABC111" }),
  );
  assert.equal(tagKey({ a: 1, b: undefined }), tagKey({ a: 1 }), "undefined is left out");
});

Deno.test("tagKey() keeps different tag sets apart", async (t) => {
  const distinct = (sets: Record<string, unknown>[]) => {
    const keys = sets.map(tagKey);
    assert.equal(new Set(keys).size, keys.length, keys.join("  |  "));
  };
  await t.step("separators inside values", () => {
    distinct([{ a: "x&b=y" }, { a: "x", b: "y" }, { a: "x,b:y" }, { "a,b": "x" }]);
    distinct([{ a: 'x",b:"y' }, { a: "x", b: "y" }, { 'a":"x",b': "y" }]);
    distinct([{ a: "x", b: "" }, { a: "x" }, { a: "", b: "x" }]);
  });
  await t.step("values of different types", () => {
    distinct([{ a: "1" }, { a: 1 }, { a: 1n }, { a: true }, { a: "true" }, { a: null }]);
    distinct([{ a: "null" }, { a: [1] }, { a: "[1]" }, { a: ["1"] }, { a: new Date(1) }]);
    distinct([{ a: { b: 1 } }, { a: new Map([["b", 1]]) }, { a: [["b", 1]] }]);
  });
  await t.step("nested separators", () => {
    distinct([{ a: ["x", "y"] }, { a: ["x,y"] }, { a: ['x","y'] }, { a: [["x"], "y"] }]);
  });
  await t.step("rejects functions and symbols", () => {
    assert.throws(() => tagKey({ a: () => 1 }), TypeError);
    assert.throws(() => tagKey({ a: Symbol("s") }), TypeError);
    assert.throws(() => tagKey(null as never), /tags must be a plain object .*, got null$/);
    assert.throws(() => tagKey(new Map([["a", 1]]) as never), /got a Map$/);
    assert.throws(() => tagKey([1] as never), /got an array$/);
    assert.throws(() => tagKey(new Date(0) as never), /got a Date$/);
    assert.throws(() => tagKey(["x"] as never), TypeError);
  });
});

Deno.test("copyTags() copies deeply and leaves the caller's object alone", () => {
  const day = new Date(Date.UTC(2022, 2, 10));
  const tags = Object.freeze({ b: "x", a: [1, 2], day, gone: undefined });
  const copy = copyTags(tags);
  assert.deepEqual(Object.keys(copy), ["a", "b", "day"]);
  assert.notEqual(copy.a, tags.a);
  day.setUTCFullYear(2000);
  assert.equal((copy.day as Date).getUTCFullYear(), 2022);
});
