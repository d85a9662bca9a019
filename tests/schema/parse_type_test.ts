import assert from "node:assert/strict";
import { parseType } from "../../src/schema/parse_type.ts";
import { isDateTimeType, isIntegerType } from "../../src/schema/column_type.ts";

const u8 = { kind: "int", name: "UInt8", bits: 8, signed: false };

Deno.test("parseType() parses plain types", () => {
  assert.deepEqual(parseType("UInt64"), { kind: "int", name: "UInt64", bits: 64, signed: false });
  assert.deepEqual(parseType("Int256"), { kind: "int", name: "Int256", bits: 256, signed: true });
  assert.deepEqual(parseType("Float32"), { kind: "float", bits: 32 });
  for (const [text, kind] of [["Bool", "bool"], ["String", "string"], ["UUID", "uuid"]]) {
    assert.deepEqual(parseType(text), { kind });
  }
  assert.deepEqual(parseType("Date32"), { kind: "date32" });
  assert.deepEqual(parseType("IPv6"), { kind: "ipv6" });
  assert.deepEqual(parseType("Nothing"), { kind: "nothing" });
  assert.deepEqual(parseType("FixedString(16)"), { kind: "fixed_string", length: 16 });
});

Deno.test("parseType() parses DateTime with and without a time zone", async (t) => {
  await t.step("DateTime", () => assert.deepEqual(parseType("DateTime"), { kind: "datetime" }));
  await t.step("DateTime('Asia/Tokyo')", () => {
    assert.deepEqual(parseType("DateTime('Asia/Tokyo')"), {
      kind: "datetime",
      timezone: "Asia/Tokyo",
    });
  });
});

Deno.test("parseType() parses DateTime64 with a time zone", async (t) => {
  await t.step("precision only", () => {
    assert.deepEqual(parseType("DateTime64(3)"), { kind: "datetime64", precision: 3 });
  });
  await t.step("precision and zone", () => {
    assert.deepEqual(parseType("DateTime64(9, 'America/New_York')"), {
      kind: "datetime64",
      precision: 9,
      timezone: "America/New_York",
    });
  });
  await t.step("precision out of range", () => {
    assert.throws(() => parseType("DateTime64(10)"), SyntaxError);
  });
});

Deno.test("parseType() parses Decimal forms", () => {
  assert.deepEqual(parseType("Decimal(18, 4)"), { kind: "decimal", precision: 18, scale: 4 });
  assert.deepEqual(parseType("Decimal(9)"), { kind: "decimal", precision: 9, scale: 0 });
  assert.deepEqual(parseType("Decimal32(2)"), { kind: "decimal", precision: 9, scale: 2 });
  assert.deepEqual(parseType("Decimal64(4)"), { kind: "decimal", precision: 18, scale: 4 });
  assert.deepEqual(parseType("Decimal128(0)"), { kind: "decimal", precision: 38, scale: 0 });
  assert.deepEqual(parseType("Decimal256(76)"), { kind: "decimal", precision: 76, scale: 76 });
  assert.throws(() => parseType("Decimal(9, 10)"), SyntaxError);
});

Deno.test("parseType() parses Enum names with escapes", () => {
  const type = parseType(String.raw`Enum8('a' = 1, 'b\'c' = -2, 'd''e' = 3, 'x\\y\n' = 4)`);
  assert.equal(type.kind, "enum");
  assert.equal(type.kind === "enum" && type.bits, 8);
  assert.deepEqual(
    type.kind === "enum" && [...type.entries],
    [["a", 1], ["b'c", -2], ["d'e", 3], ["x\\y\n", 4]],
  );
  const e16 = parseType("Enum16('big' = 1000, 'small' = -1000)");
  assert.equal(e16.kind === "enum" && e16.bits, 16);
  assert.throws(() => parseType("Enum8('a' = 128)"), SyntaxError);
});

Deno.test("parseType() parses wrappers and containers", () => {
  assert.deepEqual(parseType("Nullable(UInt8)"), { kind: "nullable", inner: u8 });
  assert.deepEqual(parseType("LowCardinality(Nullable(String))"), {
    kind: "low_cardinality",
    inner: { kind: "nullable", inner: { kind: "string" } },
  });
  assert.deepEqual(parseType("Array(Array(UInt8))"), {
    kind: "array",
    element: { kind: "array", element: u8 },
  });
  assert.deepEqual(parseType("Map(String, Array(UInt8))"), {
    kind: "map",
    key: { kind: "string" },
    value: { kind: "array", element: u8 },
  });
});

Deno.test("parseType() parses named and unnamed tuples and Nested", async (t) => {
  await t.step("unnamed", () => {
    assert.deepEqual(parseType("Tuple(UInt8, DateTime('UTC'))"), {
      kind: "tuple",
      elements: [{ type: u8 }, { type: { kind: "datetime", timezone: "UTC" } }],
    });
  });
  await t.step("named, with a back-quoted name and a name that is a type", () => {
    assert.deepEqual(parseType("Tuple(a UInt8, `b c` String, String Nullable(UInt8))"), {
      kind: "tuple",
      elements: [
        { name: "a", type: u8 },
        { name: "b c", type: { kind: "string" } },
        { name: "String", type: { kind: "nullable", inner: u8 } },
      ],
    });
  });
  await t.step(
    "empty",
    () => assert.deepEqual(parseType("Tuple()"), { kind: "tuple", elements: [] }),
  );
  await t.step("Nested", () => {
    assert.deepEqual(parseType("Nested(a UInt8, b Array(String))"), {
      kind: "nested",
      fields: [{ name: "a", type: u8 }, {
        name: "b",
        type: { kind: "array", element: { kind: "string" } },
      }],
    });
  });
});

Deno.test("parseType() keeps unknown types as other", () => {
  for (
    const text of [
      "JSON",
      "Variant(String, UInt64)",
      "Object('json')",
      "AggregateFunction(quantiles(0.5, 0.9), UInt64)",
      "JSON(max_dynamic_paths = 10, a.b UInt32)",
    ]
  ) assert.deepEqual(parseType(text), { kind: "other", name: text });
});

Deno.test("parseType() maps SimpleAggregateFunction to its value type", () => {
  assert.deepEqual(parseType("SimpleAggregateFunction(anyLast, UInt8)"), u8);
  assert.deepEqual(parseType("SimpleAggregateFunction(groupUniqArrayArray(10), Array(UInt8))"), {
    kind: "array",
    element: u8,
  });
});

Deno.test("parseType() throws SyntaxError with the text and position", async (t) => {
  for (const text of ["", "Array(", "Array(UInt8", "UInt8)", "Enum8('a", "Map(String)", "(", "1"]) {
    await t.step(JSON.stringify(text), () => {
      assert.throws(() => parseType(text), (e: unknown) => {
        assert.ok(e instanceof SyntaxError);
        assert.match(e.message, /^Cannot parse column type ".*": expected .* at position \d+$/);
        return true;
      });
    });
  }
  await t.step("deep nesting", () => {
    assert.throws(() => parseType("Array(".repeat(100_000)), SyntaxError);
  });
});

Deno.test("parseType() never hangs or throws anything but SyntaxError on garbage", () => {
  const alphabet = "()'`\", =\\-0123456789 aTUNDeNullableArrayMapTupleEnum8DateTime64";
  let seed = 12345;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  for (let i = 0; i < 3000; i++) {
    let text = "";
    const length = random(40);
    for (let j = 0; j < length; j++) text += alphabet[random(alphabet.length)];
    try {
      parseType(text);
    } catch (error) {
      assert.ok(error instanceof SyntaxError, `${text}: ${error}`);
    }
  }
});

Deno.test("isDateTimeType() and isIntegerType() see through Nullable and LowCardinality", () => {
  assert.equal(isDateTimeType(parseType("Nullable(DateTime)")), true);
  assert.equal(isDateTimeType(parseType("DateTime64(3, 'UTC')")), true);
  assert.equal(isDateTimeType(parseType("Date")), false);
  assert.equal(isDateTimeType(parseType("Array(DateTime)")), false);
  assert.equal(isIntegerType(parseType("LowCardinality(UInt32)")), true);
  assert.equal(isIntegerType(parseType("Bool")), false);
  assert.equal(isIntegerType(parseType("Decimal(9, 0)")), false);
});
