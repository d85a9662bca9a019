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

const T = new Date("2023-11-14T22:13:20.123Z");

Deno.test("compileEncoder() writes Date and Date32 as quoted days", async (t) => {
  await t.step("Date objects use the UTC day", () => {
    assert.equal(enc("Date")(new Date("2023-11-14T23:59:59.999Z")), '"2023-11-14"');
    assert.equal(enc("Date")(new Date("2023-11-15T01:00:00+09:00")), '"2023-11-14"');
  });
  await t.step("strings", () => {
    assert.equal(enc("Date")("2024-02-29"), '"2024-02-29"');
    for (const v of ["2023-02-29", "2023-13-01", "2023-1-01", "2023-11-14T00:00:00Z"]) {
      refuses("Date", v);
    }
  });
  await t.step("Date range", () => {
    assert.equal(enc("Date")("1970-01-01"), '"1970-01-01"');
    assert.equal(enc("Date")("2149-06-06"), '"2149-06-06"');
    refuses("Date", "2149-06-07", /from 1970-01-01 to 2149-06-06/);
    refuses("Date", new Date("1969-12-31T23:59:59Z"));
  });
  await t.step("Date32 range", () => {
    assert.equal(enc("Date32")("1900-01-01"), '"1900-01-01"');
    assert.equal(enc("Date32")(new Date("2299-12-31T12:00:00Z")), '"2299-12-31"');
    refuses("Date32", "1899-12-31");
    refuses("Date32", "2300-01-01");
  });
  await t.step("numbers and invalid dates are refused", () => {
    refuses("Date", 19675);
    refuses("Date", new Date(NaN), /an invalid Date/);
  });
});

Deno.test("compileEncoder() writes DateTime as unquoted epoch seconds", async (t) => {
  const dt = enc("DateTime('Asia/Tokyo')");
  await t.step("inputs", () => {
    assert.equal(dt(T), "1700000000");
    assert.equal(dt(1700000000999), "1700000000");
    assert.equal(dt("2023-11-15T07:13:20+09:00"), "1700000000");
    assert.equal(dt("2023-11-14 22:13:20.999z"), "1700000000");
    assert.equal(dt(1700000000n), "1700000000");
  });
  await t.step("zone-less strings are refused", () => {
    refuses("DateTime", "2023-11-14T22:13:20", /with Z or an offset/);
    refuses("DateTime", "2023-11-14");
  });
  await t.step("range 1970..2106", () => {
    assert.equal(dt(0), "0");
    assert.equal(dt("2106-02-07T06:28:15Z"), "4294967295");
    refuses("DateTime", "2106-02-07T06:28:16Z");
    refuses("DateTime", -1);
    refuses("DateTime", NaN);
  });
});

Deno.test("compileEncoder() writes DateTime64 as unquoted ticks", async (t) => {
  await t.step("precision 3 with a non-UTC zone", () => {
    const d = enc("DateTime64(3, 'Asia/Tokyo')");
    assert.equal(d(T), "1700000000123");
    assert.equal(d("2023-11-15T07:13:20.123+09:00"), "1700000000123");
    assert.equal(d("2023-11-14T17:43:20.123-0430"), "1700000000123");
    assert.equal(d(1700000000123), "1700000000123");
  });
  await t.step("fractional milliseconds are floored", () => {
    assert.equal(enc("DateTime64(3)")(1700000000123.9), "1700000000123");
    assert.equal(enc("DateTime64(3)")("2023-11-14T22:13:20.1239Z"), "1700000000123");
    assert.equal(enc("DateTime64(0)")(T), "1700000000");
    assert.equal(enc("DateTime64(1)")(T), "17000000001");
  });
  await t.step("higher precisions keep every digit given", () => {
    assert.equal(enc("DateTime64(6)")(T), "1700000000123000");
    const d9 = enc("DateTime64(9, 'UTC')");
    assert.equal(d9("2023-11-14T22:13:20.123456789Z"), "1700000000123456789");
    assert.equal(d9(0), "0");
    assert.equal(d9(1700000000123456789n), "1700000000123456789");
  });
  await t.step("before 1970", () => {
    assert.equal(enc("DateTime64(3)")(-1500), "-1500");
    assert.equal(enc("DateTime64(3)")("1969-12-31T23:59:59.5Z"), "-500");
    assert.equal(enc("DateTime64(0)")(-1500), "-2");
    assert.equal(enc("DateTime64(2)")(-1), "-1");
    assert.equal(enc("DateTime64(3)")("1900-01-01T00:00:00Z"), "-2208988800000");
    refuses("DateTime64(3)", "1899-12-31T23:59:59.999Z");
  });
  await t.step("upper bounds", () => {
    assert.equal(enc("DateTime64(3)")("2299-12-31T23:59:59.999Z"), "10413791999999");
    refuses("DateTime64(3)", "2300-01-01T00:00:00Z", /to 2299-12-31T23:59:59\.999Z/);
    assert.equal(enc("DateTime64(9)")("2262-04-11T23:47:16.854775807Z"), "9223372036854775807");
    refuses("DateTime64(9)", "2262-04-11T23:47:16.854775808Z");
    refuses("DateTime64(9)", 2n ** 63n);
  });
  await t.step("wrong types", () => {
    for (const v of [null, true, "yesterday", "2023-11-14T22:13:20", {}]) {
      refuses("DateTime64(3)", v);
    }
  });
});
