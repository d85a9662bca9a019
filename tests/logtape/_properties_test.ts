import assert from "node:assert/strict";
import { errorKey, propertiesKind, propertiesValue } from "../../src/logtape/_properties.ts";
import { parseType } from "../../src/schema/parse_type.ts";

Deno.test("errorKey() prefers `error`, else the first property holding an error", () => {
  const e = new Error("x");
  assert.equal(errorKey({ a: e, error: e }), "error");
  assert.equal(errorKey({ a: 1, b: e, c: e }), "b");
  assert.equal(errorKey({ error: "not an error", b: e }), "b");
  assert.equal(errorKey({ a: 1 }), undefined);
  const errorLike = { name: "DOMException", message: "m", stack: "DOMException: m" };
  assert.equal(errorKey({ errorLike }), "errorLike");
});

Deno.test("propertiesKind() takes String and Map(String, String) columns only", () => {
  const cases: Array<[string, string | undefined]> = [
    ["String", "json"],
    ["Nullable(String)", "json"],
    ["LowCardinality(String)", "json"],
    ["Map(String, String)", "map"],
    ["Map(LowCardinality(String), String)", "map"],
    ["Map(String, UInt64)", undefined],
    ["UInt8", undefined],
    ["Array(String)", undefined],
  ];
  for (const [type, kind] of cases) assert.equal(propertiesKind(parseType(type)), kind, type);
});

Deno.test("propertiesValue() writes strings as they are in a Map and everything in JSON", () => {
  const props = [["s", "text"], ["n", 1], ["o", { a: [1] }], ["lone", "\ud800"]] as const;
  assert.deepEqual(propertiesValue("map", props), {
    s: "text",
    n: "1",
    o: '{"a":[1]}',
    lone: "\uFFFD",
  });
  assert.equal(propertiesValue("json", props), '{"s":"text","n":1,"o":{"a":[1]},"lone":"\uFFFD"}');
});
