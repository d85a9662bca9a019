import assert from "node:assert/strict";
import { describeKind, withArticle } from "../../src/schema/describe_kind.ts";

Deno.test("describeKind() names what was given with correct grammar", async (t) => {
  await t.step("null and undefined are named bare", () => {
    assert.equal(describeKind(null), "null");
    assert.equal(describeKind(undefined), "undefined");
  });
  await t.step("primitives show their value", () => {
    assert.equal(describeKind(42), "a number (42)");
    assert.equal(describeKind(-0), "a number (-0)");
    assert.equal(describeKind("id=1"), 'a string ("id=1")');
    assert.equal(describeKind(true), "a boolean (true)");
    assert.equal(describeKind(10n), "a bigint (10n)");
    assert.equal(describeKind(Symbol("s")), "a symbol (Symbol(s))");
    assert.equal(describeKind("x".repeat(100)), `a string ("${"x".repeat(40)}...")`);
  });
  await t.step("objects are named by their class, never by their contents", () => {
    assert.equal(describeKind([1, 2]), "an array");
    assert.equal(describeKind(new Map([["id", 1]])), "a Map");
    assert.equal(describeKind(new Set()), "a Set");
    assert.equal(describeKind(new Date(0)), "a Date");
    assert.equal(describeKind(new Int8Array(1)), "an Int8Array");
    assert.equal(describeKind(new URL("http://x/")), "a URL");
    class Order {}
    assert.equal(describeKind(new Order()), "an Order");
    assert.equal(describeKind({ a: 1 }), "an object");
    assert.equal(describeKind(Object.create(null)), "an object");
    assert.equal(describeKind(() => 1), "a function");
    assert.equal(describeKind(class K {}), "a class");
  });
  await t.step("hostile values neither throw nor run user code", () => {
    const hostile = new Proxy({}, {
      getPrototypeOf() {
        throw new Error("no");
      },
    });
    assert.equal(describeKind(hostile), "an unprintable value");
    let ran = false;
    const proto = {
      get constructor() {
        ran = true;
        return Map;
      },
    };
    assert.equal(describeKind(Object.create(proto)), "an object");
    assert.equal(ran, false);
  });
});

Deno.test("withArticle() picks a or an by the sound of the first letter", () => {
  assert.equal(withArticle("Map"), "a Map");
  assert.equal(withArticle("array"), "an array");
  assert.equal(withArticle("Error"), "an Error");
  assert.equal(withArticle("Uint8Array"), "a Uint8Array");
  assert.equal(withArticle("URL"), "a URL");
});

Deno.test("describeKind(value, { value: false }) names the kind alone, for secrets", () => {
  const kinds = [null, undefined, [], {}, new Map(), new Date(0), 1, "s", true, 1n, () => {}]
    .map((v) => describeKind(v, { value: false }));
  assert.deepEqual(kinds, [
    "null",
    "undefined",
    "an array",
    "an object",
    "a Map",
    "a Date",
    "a number",
    "a string",
    "a boolean",
    "a bigint",
    "a function",
  ]);
});
