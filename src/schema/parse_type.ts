/**
 * Recursive-descent parser for ClickHouse column types as `system.columns.type` prints them.
 *
 * @module
 */

import type { ColumnType, EnumType, IntType, TupleElement } from "./column_type.ts";
import {
  type Cursor,
  eat,
  expect,
  fail,
  isIdentStart,
  peek,
  readIdent,
  readInt,
  readQuoted,
  skipArguments,
} from "./_type_reader.ts";

// Deep enough for any real schema; keeps hostile input from exhausting the call stack.
const MAX_DEPTH = 128;

const INTS: Record<string, IntType> = {};
for (const bits of [8, 16, 32, 64, 128, 256] as const) {
  INTS[`Int${bits}`] = { kind: "int", name: `Int${bits}`, bits, signed: true };
  INTS[`UInt${bits}`] = { kind: "int", name: `UInt${bits}`, bits, signed: false };
}

const SIMPLE: Record<string, ColumnType> = {
  ...INTS,
  Float32: { kind: "float", bits: 32 },
  Float64: { kind: "float", bits: 64 },
  Bool: { kind: "bool" },
  String: { kind: "string" },
  UUID: { kind: "uuid" },
  Date: { kind: "date" },
  Date32: { kind: "date32" },
  IPv4: { kind: "ipv4" },
  IPv6: { kind: "ipv6" },
  Nothing: { kind: "nothing" },
};

const DECIMAL_PRECISION: Record<string, number> = {
  Decimal32: 9,
  Decimal64: 18,
  Decimal128: 38,
  Decimal256: 76,
};

type Rule = (c: Cursor) => ColumnType;

// Parameterised types; the opening "(" is consumed before a rule runs and the rule eats ")".
const RULES: Record<string, Rule> = {
  Nullable: (c) => ({ kind: "nullable", inner: parseLast(c) }),
  LowCardinality: (c) => ({ kind: "low_cardinality", inner: parseLast(c) }),
  Array: (c) => ({ kind: "array", element: parseLast(c) }),
  Map: (c) => {
    const key = parseNext(c);
    expect(c, ",");
    return { kind: "map", key, value: parseLast(c) };
  },
  Tuple: (c) => ({ kind: "tuple", elements: parseList(c, readElement) }),
  Nested: (c) => ({
    kind: "nested",
    fields: parseList(c, (c) => ({ name: readIdent(c), type: parseNext(c) })),
  }),
  Enum8: (c) => readEnum(c, 8),
  Enum16: (c) => readEnum(c, 16),
  Enum: (c) => readEnum(c, undefined),
  DateTime: (c) => {
    const timezone = readQuoted(c);
    expect(c, ")");
    return { kind: "datetime", timezone };
  },
  DateTime64: (c) => {
    const precision = readBounded(c, 0, 9, "a precision from 0 to 9");
    const timezone = eat(c, ",") ? readQuoted(c) : undefined;
    expect(c, ")");
    return timezone === undefined
      ? { kind: "datetime64", precision }
      : { kind: "datetime64", precision, timezone };
  },
  Decimal: (c) => {
    const precision = readBounded(c, 1, 76, "a precision from 1 to 76");
    const scale = eat(c, ",") ? readBounded(c, 0, precision, `a scale from 0 to ${precision}`) : 0;
    expect(c, ")");
    return { kind: "decimal", precision, scale };
  },
  FixedString: (c) => {
    const length = readBounded(c, 1, 0xffffff, "a length of at least 1");
    expect(c, ")");
    return { kind: "fixed_string", length };
  },
  // SimpleAggregateFunction(f, T) stores plain T values, so it is written as T.
  SimpleAggregateFunction: (c) => {
    readIdent(c);
    if (eat(c, "(")) skipArguments(c);
    expect(c, ",");
    return parseLast(c);
  },
};

for (const [name, precision] of Object.entries(DECIMAL_PRECISION)) {
  RULES[name] = (c) => {
    const scale = readBounded(c, 0, precision, `a scale from 0 to ${precision}`);
    expect(c, ")");
    return { kind: "decimal", precision, scale };
  };
}

/**
 * Parses a ClickHouse column type such as `Nullable(DateTime64(3, 'Asia/Tokyo'))`.
 *
 * Names are matched as ClickHouse prints them (`UInt64`, not `BIGINT UNSIGNED`). Unknown
 * types, with or without arguments, become `{ kind: "other", name }` with the raw text.
 *
 * @param text The type as `system.columns.type` or `DESCRIBE TABLE` prints it.
 * @returns The parsed type.
 * @throws {SyntaxError} If the text is malformed; the message gives the text and position.
 *
 * @example Usage
 * ```ts
 * import { parseType } from "./parse_type.ts";
 * const type = parseType("Map(String, Array(Nullable(UInt64)))");
 * type.kind; // "map"
 * ```
 */
export function parseType(text: string): ColumnType {
  const c: Cursor = { text, pos: 0, depth: 0 };
  const type = parseNext(c);
  if (peek(c) !== "") fail(c, "the end of the type");
  return type;
}

function parseNext(c: Cursor): ColumnType {
  if (++c.depth > MAX_DEPTH) fail(c, `at most ${MAX_DEPTH} levels of nesting`);
  peek(c);
  const start = c.pos;
  const name = readIdent(c);
  let type: ColumnType;
  if (!eat(c, "(")) {
    type = name === "DateTime"
      ? { kind: "datetime" }
      : name === "Decimal"
      ? { kind: "decimal", precision: 10, scale: 0 }
      : Object.hasOwn(SIMPLE, name)
      ? { ...SIMPLE[name] }
      : { kind: "other", name };
  } else if (Object.hasOwn(RULES, name)) {
    type = RULES[name](c);
  } else {
    skipArguments(c);
    type = { kind: "other", name: c.text.slice(start, c.pos) };
  }
  c.depth--;
  return type;
}

/** Parses the last argument of a list: a type followed by ")". */
function parseLast(c: Cursor): ColumnType {
  const type = parseNext(c);
  expect(c, ")");
  return type;
}

function parseList<T>(c: Cursor, readItem: (c: Cursor) => T): T[] {
  const items: T[] = [];
  if (eat(c, ")")) return items;
  do items.push(readItem(c)); while (eat(c, ","));
  expect(c, ")");
  return items;
}

/** A tuple element is `name Type` when a name is followed by space and another name. */
function readElement(c: Cursor): TupleElement {
  peek(c);
  const start = c.pos;
  const quotedName = c.text[start] === "`" || c.text[start] === '"';
  const name = readIdent(c);
  const spaced = c.pos < c.text.length && " \t\n\r".includes(c.text[c.pos]);
  if (quotedName || (spaced && isIdentStart(peek(c)))) return { name, type: parseNext(c) };
  c.pos = start;
  return { type: parseNext(c) };
}

function readEnum(c: Cursor, bits: 8 | 16 | undefined): EnumType {
  const entries = new Map<string, number>();
  const limit = bits === 8 ? 128 : 32768;
  for (const [name, value] of parseList(c, readEnumEntry)) {
    if (value < -limit || value >= limit) fail(c, `enum values from ${-limit} to ${limit - 1}`);
    entries.set(name, value);
  }
  if (entries.size === 0) fail(c, "at least one enum value");
  const values = [...entries.values()];
  const fits8 = values.every((v) => v >= -128 && v < 128);
  return { kind: "enum", bits: bits ?? (fits8 ? 8 : 16), entries };
}

function readEnumEntry(c: Cursor): [string, number] {
  const name = readQuoted(c);
  expect(c, "=");
  return [name, readInt(c)];
}

function readBounded(c: Cursor, min: number, max: number, expected: string): number {
  const at = c.pos;
  const value = readInt(c);
  if (value < min || value > max) {
    c.pos = at;
    fail(c, expected);
  }
  return value;
}
