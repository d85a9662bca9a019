import assert from "node:assert/strict";
import { propertiesKind, propertiesValue } from "../../src/logging/_properties_column.ts";
import { parseType } from "../../src/schema/parse_type.ts";

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
