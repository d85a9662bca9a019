/**
 * The ClickHouse column types Tusk understands, as plain objects tagged by `kind`.
 *
 * @module
 */

/** `Int8`..`Int256` and `UInt8`..`UInt256`. */
export type IntType = {
  kind: "int";
  name: string;
  bits: 8 | 16 | 32 | 64 | 128 | 256;
  signed: boolean;
};
/** `Float32` or `Float64`. */
export type FloatType = { kind: "float"; bits: 32 | 64 };
/** `DateTime` with an optional time zone argument. */
export type DateTimeType = { kind: "datetime"; timezone?: string };
/** `DateTime64(precision[, timezone])`, precision 0..9. */
export type DateTime64Type = { kind: "datetime64"; precision: number; timezone?: string };
/** `Decimal(P, S)`; `Decimal32/64/128/256(S)` map here with P = 9/18/38/76. */
export type DecimalType = { kind: "decimal"; precision: number; scale: number };
/** `Enum8`/`Enum16`; `entries` maps each name to its number. */
export type EnumType = { kind: "enum"; bits: 8 | 16; entries: Map<string, number> };
/** One element of a `Tuple`; `name` is present for named tuples. */
export type TupleElement = { name?: string; type: ColumnType };
/** One field of a `Nested` type. */
export type NestedField = { name: string; type: ColumnType };

/**
 * A parsed ClickHouse column type. `other` keeps the raw text of anything Tusk does not model
 * (`JSON`, `Variant(...)`, `AggregateFunction(...)`, ...); such values pass through as JSON.
 */
export type ColumnType =
  | IntType
  | FloatType
  | { kind: "bool" }
  | { kind: "string" }
  | { kind: "fixed_string"; length: number }
  | { kind: "uuid" }
  | { kind: "date" }
  | { kind: "date32" }
  | DateTimeType
  | DateTime64Type
  | DecimalType
  | EnumType
  | { kind: "nullable"; inner: ColumnType }
  | { kind: "low_cardinality"; inner: ColumnType }
  | { kind: "array"; element: ColumnType }
  | { kind: "map"; key: ColumnType; value: ColumnType }
  | { kind: "tuple"; elements: TupleElement[] }
  | { kind: "nested"; fields: NestedField[] }
  | { kind: "ipv4" }
  | { kind: "ipv6" }
  | { kind: "nothing" }
  | { kind: "other"; name: string };

/**
 * Strips `Nullable` and `LowCardinality` wrappers, in any order and depth.
 *
 * @param type A parsed column type.
 * @returns The innermost type that is neither `Nullable` nor `LowCardinality`.
 *
 * @example Usage
 * ```ts
 * import { unwrapType } from "./column_type.ts";
 * import { parseType } from "./parse_type.ts";
 * unwrapType(parseType("LowCardinality(Nullable(String))")); // { kind: "string" }
 * ```
 */
export function unwrapType(type: ColumnType): ColumnType {
  let t = type;
  while (t.kind === "nullable" || t.kind === "low_cardinality") t = t.inner;
  return t;
}

/**
 * Tells whether a column holds a point in time: `DateTime` or `DateTime64`, also inside
 * `Nullable`/`LowCardinality`. `Date` and `Date32` do not count: Tusk fills the first such
 * column with the write time, and a calendar day cannot carry it.
 *
 * @param type A parsed column type.
 * @returns `true` for `DateTime`, `DateTime64` and their `Nullable`/`LowCardinality` forms.
 *
 * @example Usage
 * ```ts
 * import { isDateTimeType } from "./column_type.ts";
 * import { parseType } from "./parse_type.ts";
 * isDateTimeType(parseType("Nullable(DateTime64(3, 'UTC'))")); // true
 * isDateTimeType(parseType("Date")); // false
 * ```
 */
export function isDateTimeType(type: ColumnType): boolean {
  const kind = unwrapType(type).kind;
  return kind === "datetime" || kind === "datetime64";
}

/**
 * Tells whether a column holds an integer (`Int*`/`UInt*`), also inside
 * `Nullable`/`LowCardinality`. `Bool`, `Enum` and `Decimal` do not count.
 *
 * @param type A parsed column type.
 * @returns `true` for `Int8`..`Int256`, `UInt8`..`UInt256` and their wrapped forms.
 *
 * @example Usage
 * ```ts
 * import { isIntegerType } from "./column_type.ts";
 * import { parseType } from "./parse_type.ts";
 * isIntegerType(parseType("UInt64")); // true
 * isIntegerType(parseType("Float64")); // false
 * ```
 */
export function isIntegerType(type: ColumnType): boolean {
  return unwrapType(type).kind === "int";
}
