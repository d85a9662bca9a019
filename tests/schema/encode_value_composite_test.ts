import assert from "node:assert/strict";
import { compileEncoder } from "../../src/schema/encode_value.ts";
import { EncodeError } from "../../src/schema/encode_error.ts";
import { parseType } from "../../src/schema/parse_type.ts";

const enc = (type: string) => compileEncoder(parseType(type));

function refuses(type: string, value: unknown, reason?: RegExp): void {
  assert.throws(() => enc(type)(value), (e: unknown) => {
    assert.ok(e instanceof EncodeError, `${type} ${String(e)}`);
    if (reason) assert.match(e.reason, reason);
    return true;
  });
}

Deno.test("compileEncoder() handles Nullable, LowCardinality and Nothing", () => {
  const n = enc("Nullable(UInt8)");
  assert.equal(n(null), "null");
  assert.equal(n(undefined), "null");
  assert.equal(n(3), "3");
  assert.equal(enc("LowCardinality(Nullable(String))")(null), "null");
  assert.equal(enc("LowCardinality(String)")("x"), '"x"');
  refuses("LowCardinality(String)", null);
  assert.equal(enc("Nullable(Nothing)")(null), "null");
  refuses("Nothing", 1);
});

Deno.test("compileEncoder() writes arrays with element positions in errors", () => {
  const a = enc("Array(Array(UInt64))");
  assert.equal(a([[1n, "18446744073709551615"], []]), "[[1,18446744073709551615],[]]");
  assert.equal(enc("Array(Float64)")(new Float64Array([1.5, 2])), "[1.5,2]");
  assert.equal(enc("Array(String)")([]), "[]");
  refuses("Array(Array(UInt8))", [[1], [2, 300]], /^element 1: element 1: expected an integer/);
  refuses("Array(String)", "abc", /^expected an array, got "abc"$/);
  refuses("Array(String)", [, "x"], /^element 0: expected a string, got undefined$/);
});

Deno.test("compileEncoder() writes Map as a JSON object", async (t) => {
  await t.step("string keys from objects and Maps", () => {
    const m = enc("Map(String, Array(Nullable(Int32)))");
    assert.equal(m({ a: [1, null], 'b"': [] }), '{"a":[1,null],"b\\"":[]}');
    assert.equal(m(new Map([["k", [2]]])), '{"k":[2]}');
    assert.equal(m({}), "{}");
    refuses("Map(String, UInt8)", new Map([[1, 1]]), /^key 1: expected a string/);
  });
  await t.step("integer keys are quoted", () => {
    const m = enc("Map(UInt64, String)");
    assert.equal(m({ "18446744073709551615": "x" }), '{"18446744073709551615":"x"}');
    assert.equal(m(new Map<unknown, string>([[1, "a"], [2n, "b"]])), '{"1":"a","2":"b"}');
    assert.equal(enc("Map(Int8, String)")({ "-5": "x" }), '{"-5":"x"}');
    refuses("Map(UInt8, String)", { "256": "x" }, /^key "256": expected an integer/);
    refuses("Map(UInt8, String)", { x: "x" });
  });
  await t.step("other key types are quoted text", () => {
    const m = enc("Map(DateTime, String)");
    assert.equal(m({ "2023-11-14T22:13:20Z": "x" }), '{"1700000000":"x"}');
    assert.equal(enc("Map(LowCardinality(String), UInt8)")({ a: 1 }), '{"a":1}');
    assert.equal(enc("Map(Date, UInt8)")({ "2020-01-02": 1 }), '{"2020-01-02":1}');
  });
  await t.step("values are checked", () => {
    refuses("Map(String, UInt8)", { a: -1 }, /^value of key "a": expected an integer/);
    refuses("Map(String, UInt8)", [], /^expected a Map or a plain object/);
    refuses("Map(String, UInt8)", new Date(0));
  });
});

Deno.test("compileEncoder() writes tuples", async (t) => {
  await t.step("unnamed tuples take and write arrays", () => {
    const u = enc("Tuple(UInt8, String)");
    assert.equal(u([1, "x"]), '[1,"x"]');
    refuses("Tuple(UInt8, String)", [1], /^expected an array of 2 elements/);
    refuses("Tuple(UInt8, String)", { 0: 1, 1: "x" });
    refuses("Tuple(UInt8, String)", [1, 2], /^element 1: expected a string/);
    assert.equal(enc("Tuple()")([]), "[]");
  });
  await t.step("named tuples are written as objects", () => {
    const n = enc("Tuple(a UInt8, `b c` Nullable(String))");
    assert.equal(n({ a: 1, "b c": "x" }), '{"a":1,"b c":"x"}');
    assert.equal(n({ a: 1 }), '{"a":1,"b c":null}');
    assert.equal(n([1, "x"]), '{"a":1,"b c":"x"}');
    refuses("Tuple(a UInt8, b String)", { a: 1, b: "x", c: 2 }, /^unexpected key "c"$/);
    refuses("Tuple(a UInt8, b String)", { a: 1, b: 2 }, /^element "b": expected a string/);
  });
  await t.step("Nested is an array of objects", () => {
    const n = enc("Nested(a UInt8, b String)");
    assert.equal(n([{ a: 1, b: "x" }, [2, "y"]]), '[{"a":1,"b":"x"},{"a":2,"b":"y"}]');
    refuses("Nested(a UInt8, b String)", [{ a: 1 }], /^element 0: element "b"/);
  });
});

Deno.test("compileEncoder() passes other types through JSON.stringify", async (t) => {
  const j = enc("JSON");
  await t.step("JSON values", () => {
    assert.equal(j({ a: { b: [1, "x", null] } }), '{"a":{"b":[1,"x",null]}}');
    assert.equal(enc("Variant(String, UInt64)")("x"), '"x"');
  });
  await t.step("undefined, functions, bigints and cycles are refused", () => {
    refuses("JSON", undefined, /^expected a JSON value, got undefined$/);
    refuses("JSON", () => 1, /got a function/);
    refuses("JSON", { n: 1n }, /^expected a JSON value, got an object \{n\}/);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    refuses("JSON", cyclic, /^expected a JSON value, got an object \{a, self\} \(/);
  });
});

Deno.test("EncodeError renders offending values safely", () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  refuses("String", cyclic, /^expected a string, got an object \{self\}$/);
  refuses("String", [1, 2, 3], /got an array of length 3$/);
  refuses("String", new Map(), /got a Map of size 0$/);
  refuses("String", 10n ** 60n, /got 1000000000000000000000000000000000000000\.\.\.$/);
  refuses("String", Symbol("s"), /got Symbol\(s\)$/);
  refuses("String", new Date(0), /got Date\(1970-01-01T00:00:00\.000Z\)$/);
  refuses("String", -0, /got -0$/);
  const hostile = new Proxy({}, {
    ownKeys() {
      throw new Error("boom");
    },
  });
  refuses("String", hostile, /got an unprintable value$/);
});
