import assert from "node:assert/strict";
import * as tusk from "../../mod.ts";
import { freshDatabase, selectRows, sql, type TestEngine } from "../_helpers/engines.ts";
import { connect, forEachEngine, uniqueClient } from "../_helpers/for_each_engine.ts";

interface Case {
  column: string;
  type: string;
  value: unknown;
  /** The SELECT expression that reads it back (default: `toString(column)`). */
  read?: string;
  expected: unknown;
  modernOnly?: boolean;
}

const instant = Date.UTC(2022, 2, 10, 6, 42, 42, 746); // 2022-03-10T06:42:42.746Z

// Each value is written through metric().write() and read back with SQL.
const CASES: Case[] = [
  { column: "i8", type: "Int8", value: -128, expected: "-128" },
  { column: "u8", type: "UInt8", value: 255, expected: "255" },
  { column: "i32", type: "Int32", value: -2147483648, expected: "-2147483648" },
  { column: "i64", type: "Int64", value: -9223372036854775808n, expected: "-9223372036854775808" },
  { column: "u64", type: "UInt64", value: 18446744073709551615n, expected: "18446744073709551615" },
  { column: "u64s", type: "UInt64", value: "9007199254740993", expected: "9007199254740993" },
  { column: "f32", type: "Float32", value: 0.5, expected: "0.5" },
  { column: "f64", type: "Float64", value: 0.1 + 0.2, read: "f64", expected: 0.1 + 0.2 },
  {
    column: "s",
    type: "String",
    value: 'quote " and \\ and ✓ and \n',
    expected: 'quote " and \\ and ✓ and \n',
  },
  { column: "fs", type: "FixedString(4)", value: "ab", read: "hex(fs)", expected: "61620000" },
  {
    column: "uuid",
    type: "UUID",
    value: "123e4567-e89b-12d3-a456-426614174000",
    expected: "123e4567-e89b-12d3-a456-426614174000",
  },
  { column: "d", type: "Date", value: "2022-03-10", expected: "2022-03-10" },
  { column: "d_obj", type: "Date", value: new Date(instant), expected: "2022-03-10" },
  {
    column: "dt",
    type: "DateTime",
    value: new Date(instant),
    read: "toUnixTimestamp(dt)",
    expected: 1646894562,
  },
  {
    column: "dt_ms",
    type: "DateTime",
    value: instant,
    read: "toUnixTimestamp(dt_ms)",
    expected: 1646894562,
  },
  {
    column: "dt_tokyo",
    type: "DateTime('Asia/Tokyo')",
    value: "2022-03-10T06:42:42Z",
    read: "concat(toString(toUnixTimestamp(dt_tokyo)), ' ', toString(dt_tokyo))",
    expected: "1646894562 2022-03-10 15:42:42",
  },
  {
    column: "dt_offset",
    type: "DateTime",
    value: "2022-03-10T15:42:42+09:00",
    read: "toUnixTimestamp(dt_offset)",
    expected: 1646894562,
  },
  { column: "dec", type: "Decimal(10, 3)", value: "1234567.891", expected: "1234567.891" },
  {
    column: "dec_n",
    type: "Decimal(10, 3)",
    value: -0.5,
    read: "toFloat64(dec_n)",
    expected: -0.5,
  },
  { column: "e8", type: "Enum8('a' = 1, 'b' = 2)", value: "b", expected: "b" },
  { column: "e8n", type: "Enum8('a' = 1, 'b' = 2)", value: 1, expected: "a" },
  { column: "n_null", type: "Nullable(String)", value: null, read: "isNull(n_null)", expected: 1 },
  { column: "n_val", type: "Nullable(Int32)", value: 7, expected: "7" },
  { column: "arr", type: "Array(UInt32)", value: [1, 2, 3], read: "arr", expected: [1, 2, 3] },
  {
    column: "arr2",
    type: "Array(Array(String))",
    value: [["a"], [], ["b", "c"]],
    read: "arr2",
    expected: [["a"], [], ["b", "c"]],
  },
  {
    column: "tup",
    type: "Tuple(UInt8, String)",
    value: [1, "x"],
    read: "tupleElement(tup, 2)",
    expected: "x",
  },
  // The modern engine only: types 18.16 does not have.
  {
    column: "dt64",
    type: "DateTime64(3)",
    value: new Date(instant),
    read: "toString(toUnixTimestamp64Milli(dt64))",
    expected: String(instant),
    modernOnly: true,
  },
  {
    column: "dt64_tokyo",
    type: "DateTime64(3, 'Asia/Tokyo')",
    value: "2022-03-10T06:42:42.746Z",
    read: "concat(toString(toUnixTimestamp64Milli(dt64_tokyo)), ' ', toString(dt64_tokyo))",
    expected: `${instant} 2022-03-10 15:42:42.746`,
    modernOnly: true,
  },
  {
    column: "dt64_6",
    type: "DateTime64(6)",
    value: instant,
    read: "toString(toUnixTimestamp64Micro(dt64_6))",
    expected: `${instant}000`,
    modernOnly: true,
  },
  {
    column: "i128",
    type: "Int128",
    value: -(2n ** 127n),
    expected: String(-(2n ** 127n)),
    modernOnly: true,
  },
  {
    column: "u256",
    type: "UInt256",
    value: 2n ** 256n - 1n,
    expected: String(2n ** 256n - 1n),
    modernOnly: true,
  },
  { column: "b", type: "Bool", value: true, expected: "true", modernOnly: true },
  { column: "d32", type: "Date32", value: "1950-01-02", expected: "1950-01-02", modernOnly: true },
  { column: "lc", type: "LowCardinality(String)", value: "low", expected: "low", modernOnly: true },
  {
    column: "lcn",
    type: "LowCardinality(Nullable(String))",
    value: null,
    read: "isNull(lcn)",
    expected: 1,
    modernOnly: true,
  },
  {
    column: "m",
    type: "Map(String, UInt64)",
    value: { a: 1, b: 2n },
    read: "toString(m['b'])",
    expected: "2",
    modernOnly: true,
  },
  {
    column: "named",
    type: "Tuple(a UInt8, b String)",
    value: { a: 5, b: "y" },
    read: "tupleElement(named, 'b')",
    expected: "y",
    modernOnly: true,
  },
  {
    column: "dec128",
    type: "Decimal(38, 10)",
    value: "-12345678901234567890.0123456789",
    expected: "-12345678901234567890.0123456789",
    modernOnly: true,
  },
];

async function roundTrip(engine: TestEngine, cases: Case[]): Promise<Record<string, unknown>> {
  const db = await freshDatabase(engine, "types");
  const columns = cases.map((c) => `${c.column} ${c.type}`).join(", ");
  await sql(engine, `CREATE TABLE ${db}.t (id UInt8, ${columns}) ENGINE = MergeTree ORDER BY id`);
  const clientName = uniqueClient("types");
  connect(engine, clientName);
  try {
    const t = tusk.metric({ table: `${db}.t`, clientName });
    t.write({ id: 1, ...Object.fromEntries(cases.map((c) => [c.column, c.value])) });
    await t.flush();
    const select = cases.map((c) => `${c.read ?? `toString(${c.column})`} AS ${c.column}`).join(
      ", ",
    );
    const [row] = await selectRows(engine, `SELECT ${select} FROM ${db}.t`);
    return row!;
  } finally {
    await tusk.close();
  }
}

forEachEngine("metric().write() round-trips every column type exactly", async (engine) => {
  const cases = CASES.filter((c) => engine.modern || !c.modernOnly);
  const row = await roundTrip(engine, cases);
  for (const c of cases) {
    const got = row[c.column];
    // 18.16 prints 64-bit integers as strings in JSON; compare numbers as numbers.
    const normalized = typeof c.expected === "number" && typeof got === "string"
      ? Number(got)
      : got;
    assert.deepEqual(normalized, c.expected, `${c.column} ${c.type}`);
  }
});
