import assert from "node:assert/strict";
import { compileEncoder } from "../../src/schema/encode_value.ts";
import { EncodeError } from "../../src/schema/encode_error.ts";
import { parseType } from "../../src/schema/parse_type.ts";

const enc = (type: string) => compileEncoder(parseType(type));

function refuses(type: string, value: unknown, reason?: RegExp): void {
  assert.throws(() => enc(type)(value), (e: unknown) => {
    assert.ok(e instanceof EncodeError, `${type} ${String(e)}`);
    if (reason) assert.match(e.reason, reason);
    assert.equal(e.message, e.reason);
    return true;
  });
}

Deno.test("compileEncoder() writes small integers range-checked", async (t) => {
  await t.step("UInt8 bounds", () => {
    assert.equal(enc("UInt8")(0), "0");
    assert.equal(enc("UInt8")(255), "255");
    assert.equal(enc("UInt8")(7n), "7");
    refuses("UInt8", 300, /^expected an integer from 0 to 255, got 300$/);
    refuses("UInt8", -1);
  });
  await t.step("Int8 and Int32 bounds", () => {
    assert.equal(enc("Int8")(-128), "-128");
    refuses("Int8", 128);
    assert.equal(enc("Int32")(-2147483648), "-2147483648");
    refuses("Int32", 2147483648n);
  });
  await t.step("non-integers and strings are refused", () => {
    for (const v of [1.5, NaN, Infinity, "42", true, null, undefined]) refuses("Int16", v);
  });
});

Deno.test("compileEncoder() writes 64-bit and wider integers exactly", async (t) => {
  await t.step("UInt64 max as bigint and string", () => {
    assert.equal(enc("UInt64")(18446744073709551615n), "18446744073709551615");
    assert.equal(enc("UInt64")("18446744073709551615"), "18446744073709551615");
    refuses("UInt64", 18446744073709551616n);
    refuses("UInt64", "18446744073709551616");
  });
  await t.step("Int64 min and max", () => {
    assert.equal(enc("Int64")(-9223372036854775808n), "-9223372036854775808");
    assert.equal(enc("Int64")("-9223372036854775808"), "-9223372036854775808");
    assert.equal(enc("Int64")(9223372036854775807n), "9223372036854775807");
    refuses("Int64", -9223372036854775809n);
  });
  await t.step("2^53+1 as bigint and string; unsafe numbers refused", () => {
    assert.equal(enc("UInt64")(2n ** 53n + 1n), "9007199254740993");
    assert.equal(enc("UInt64")("9007199254740993"), "9007199254740993");
    assert.equal(enc("Int64")(Number.MAX_SAFE_INTEGER), "9007199254740991");
    refuses("UInt64", 2 ** 53, /pass a bigint/);
  });
  await t.step("strings are normalised and checked", () => {
    assert.equal(enc("Int64")("007"), "7");
    assert.equal(enc("Int64")("-0"), "0");
    for (const v of ["1.0", "1e3", " 1", "", "0x10", "+1"]) refuses("Int64", v);
    refuses("UInt64", -1, /^expected an integer from 0 to 18446744073709551615/);
  });
  await t.step("Int128 and UInt256 bounds", () => {
    const min128 = -(2n ** 127n);
    assert.equal(enc("Int128")(min128), min128.toString());
    refuses("Int128", min128 - 1n);
    const max256 = 2n ** 256n - 1n;
    assert.equal(enc("UInt256")(max256.toString()), max256.toString());
    refuses("UInt256", max256 + 1n);
  });
});

Deno.test("compileEncoder() writes floats as JSON numbers", async (t) => {
  await t.step("Float64", () => {
    assert.equal(enc("Float64")(0.1), "0.1");
    assert.equal(enc("Float64")(1e21), "1e+21");
    assert.equal(enc("Float64")(5e-324), "5e-324");
    assert.equal(enc("Float64")(2n ** 53n - 1n), "9007199254740991");
    refuses("Float64", 2n ** 53n);
  });
  await t.step("NaN and Infinity are refused with a reason", () => {
    refuses("Float64", NaN, /JSON cannot carry NaN or Infinity/);
    refuses("Float64", -Infinity, /JSON cannot carry/);
  });
  await t.step("Float32 range", () => {
    assert.equal(enc("Float32")(3.4028234663852886e38), "3.4028234663852886e+38");
    refuses("Float32", 1e39, /Float32 range/);
  });
  await t.step("wrong types", () => {
    for (const v of ["1.5", true, null]) refuses("Float64", v);
  });
});

Deno.test("compileEncoder() writes Bool as true/false only", () => {
  assert.equal(enc("Bool")(true), "true");
  assert.equal(enc("Bool")(false), "false");
  for (const v of [0, 1, "true", null]) refuses("Bool", v, /^expected a boolean/);
});

Deno.test("compileEncoder() writes Decimal without losing digits", async (t) => {
  const d = enc("Decimal(9, 2)");
  await t.step("numbers, strings and bigints", () => {
    assert.equal(d(1.23), "1.23");
    assert.equal(d(-0.5), "-0.5");
    assert.equal(d("0001.500"), "1.5");
    assert.equal(d("-0.00"), "0");
    assert.equal(d("1e3"), "1000");
    assert.equal(d(1234567n), "1234567");
    assert.equal(d(9999999.99), "9999999.99");
  });
  await t.step("too many fraction digits or integer digits", () => {
    refuses("Decimal(9, 2)", "0.001", /at most 2 fraction digits/);
    refuses("Decimal(9, 2)", 1e-7, /at most 2 fraction digits/);
    refuses("Decimal(9, 2)", 10000000, /at most 7 integer digits/);
  });
  await t.step("wide decimals", () => {
    const big = "-12345678901234567890123456789012345678901234567890123456789012345678901234.56";
    assert.equal(enc("Decimal(76, 2)")(big), big);
    assert.equal(enc("Decimal128(10)")("0.0000000001"), "0.0000000001");
  });
  await t.step("wrong types and malformed text", () => {
    for (const v of [NaN, Infinity, "", ".", "1.2.3", "abc", true, null]) {
      refuses("Decimal(9, 2)", v);
    }
  });
});

Deno.test("compileEncoder() writes String strictly", async (t) => {
  await t.step("escapes", () => {
    assert.equal(enc("String")('a"b\\c\n\u0000é😀'), JSON.stringify('a"b\\c\n\u0000é😀'));
  });
  await t.step("lone surrogates are refused", () => {
    refuses("String", "a\ud800b", /lone surrogate/);
    refuses("String", "\udc00", /lone surrogate/);
  });
  await t.step("numbers and booleans are refused", () => {
    refuses("String", 5, /^expected a string, got 5$/);
    refuses("String", true);
    refuses("String", new Uint8Array(2));
  });
  await t.step("long values are truncated in the reason", () => {
    refuses("UInt8", "x".repeat(1000), /got "x{40}\.\.\."$/);
  });
  await t.step("repeated values (remembered while short) encode the same every time", () => {
    const encode = enc("String");
    const values = Array.from({ length: 300 }, (_, i) => i % 3 === 0 ? `"q${i}\n` : `v${i}`);
    values.push("x".repeat(48), "y".repeat(49), "");
    for (let round = 0; round < 3; round++) {
      for (const v of values) assert.equal(encode(v), JSON.stringify(v));
      assert.throws(() => encode("a\ud800"), /lone surrogate/);
    }
  });
});

Deno.test("compileEncoder() checks FixedString byte length", () => {
  const f = enc("FixedString(4)");
  assert.equal(f("abcd"), '"abcd"');
  assert.equal(f("éé"), '"éé"');
  assert.equal(f("😀"), '"😀"');
  refuses("FixedString(4)", "abcde", /at most 4 UTF-8 bytes/);
  refuses("FixedString(4)", "ééa");
  refuses("FixedString(4)", "😀a");
});

Deno.test("compileEncoder() writes UUID, IPv4 and IPv6 as strings", () => {
  assert.equal(
    enc("UUID")("6BA7B810-9DAD-11D1-80B4-00C04FD430C8"),
    '"6ba7b810-9dad-11d1-80b4-00c04fd430c8"',
  );
  refuses("UUID", "6ba7b8109dad11d180b400c04fd430c8");
  assert.equal(enc("IPv4")("192.0.2.255"), '"192.0.2.255"');
  refuses("IPv4", "256.0.0.1");
  refuses("IPv4", 3221225985);
  assert.equal(enc("IPv6")("2001:db8::1"), '"2001:db8::1"');
  assert.equal(enc("IPv6")("::ffff:1.2.3.4"), '"::ffff:1.2.3.4"');
  refuses("IPv6", "1.2.3.4");
  refuses("IPv6", 'x"y:');
});

Deno.test("compileEncoder() writes Enum values as their quoted name", () => {
  const e = enc(String.raw`Enum8('a' = 1, 'b\'c' = -2, 'x"y' = 3)`);
  assert.equal(e("a"), '"a"');
  assert.equal(e(-2), `"b'c"`);
  assert.equal(e('x"y'), '"x\\"y"');
  refuses(String.raw`Enum8('a' = 1, 'b' = 2)`, "c", /^expected one of "a", "b" or its number/);
  refuses("Enum8('a' = 1)", 2);
  refuses("Enum8('a' = 1)", 1n);
});
