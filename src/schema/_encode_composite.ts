// Encoders for Array, Map and Tuple (Nested is an Array of named Tuples). Failures inside
// are re-thrown with where they happened: `element 3: expected a string, got 1`.

import { type ColumnType, type TupleElement, unwrapType } from "./column_type.ts";
import { describeValue, mismatch } from "./_describe_value.ts";
import { EncodeError } from "./encode_error.ts";

type Encoder = (value: unknown) => string;

function within(where: string, error: unknown): unknown {
  return error instanceof EncodeError ? new EncodeError(`${where}: ${error.reason}`) : error;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Encoder for Array(T): JS arrays and numeric typed arrays, written as `[...]`. */
export function arrayEncoder(element: Encoder): Encoder {
  return (v) => {
    if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && !(v instanceof DataView))) {
      throw mismatch("an array", v);
    }
    const items = v as ArrayLike<unknown>;
    const n = items.length;
    if (n === 0) return "[]";
    let i = 0;
    try {
      let out = "[" + element(items[0]);
      for (i = 1; i < n; i++) out += "," + element(items[i]);
      return out + "]";
    } catch (error) {
      throw within(`element ${i}`, error);
    }
  };
}

const QUOTED_KINDS = new Set(["string", "fixed_string", "uuid", "enum", "date", "date32"]);
const INTEGER_KEY = /^-?[0-9]{1,80}$/;

// JSON object keys are strings: quoted encodings are used as they are, others are quoted,
// and integer keys also come from the string keys of plain objects.
function keyWriter(keyType: ColumnType, encodeKey: Encoder): Encoder {
  const kind = unwrapType(keyType).kind;
  if (QUOTED_KINDS.has(kind) || kind === "ipv4" || kind === "ipv6") return encodeKey;
  if (kind !== "int") return (k) => JSON.stringify(encodeKey(k));
  return (k) => '"' + encodeKey(typeof k === "string" && INTEGER_KEY.test(k) ? BigInt(k) : k) + '"';
}

/** Encoder for Map(K, V): a `Map` or a plain object, written as a JSON object. */
export function mapEncoder(keyType: ColumnType, encodeKey: Encoder, encodeValue: Encoder): Encoder {
  const writeKey = keyWriter(keyType, encodeKey);
  const entry = (key: unknown, value: unknown): string => {
    let out: string;
    try {
      out = writeKey(key);
    } catch (error) {
      throw within(`key ${describeValue(key)}`, error);
    }
    try {
      return out + ":" + encodeValue(value);
    } catch (error) {
      throw within(`value of key ${describeValue(key)}`, error);
    }
  };
  return (v) => {
    let out = "";
    if (v instanceof Map) {
      for (const [key, value] of v) out += (out === "" ? "{" : ",") + entry(key, value);
    } else if (isPlainObject(v)) {
      for (const key in v) out += (out === "" ? "{" : ",") + entry(key, v[key]);
    } else throw mismatch("a Map or a plain object", v);
    return out === "" ? "{}" : out + "}";
  };
}

/**
 * Encoder for Tuple: unnamed tuples take an array and are written as `[...]`; named tuples
 * take an object with those keys (or an array in order) and are written as an object,
 * which is the form ClickHouse reads for named tuples.
 */
export function tupleEncoder(
  elements: TupleElement[],
  compile: (type: ColumnType) => Encoder,
): Encoder {
  const encoders = elements.map((e) => compile(e.type));
  const n = encoders.length;
  const names = elements.map((e) => e.name ?? "");
  const named = n > 0 && elements.every((e) => e.name !== undefined);
  const open = named ? names.map((name, i) => (i ? "," : "{") + JSON.stringify(name) + ":") : [];
  const expected = named
    ? `an object with keys ${names.join(", ")} or an array of ${n} elements`
    : `an array of ${n} elements`;
  const close = named ? "}" : "]";
  return (v) => {
    const list = Array.isArray(v) && v.length === n ? v : undefined;
    if (list === undefined && !(named && isPlainObject(v))) throw mismatch(expected, v);
    if (list === undefined) {
      for (const key in v as object) {
        if (!names.includes(key)) throw new EncodeError(`unexpected key ${describeValue(key)}`);
      }
    }
    let i = 0;
    try {
      let out = n === 0 ? "[" : "";
      for (; i < n; i++) {
        const item = list === undefined ? (v as Record<string, unknown>)[names[i]] : list[i];
        out += (named ? open[i] : i ? "," : "[") + encoders[i](item);
      }
      return out + close;
    } catch (error) {
      throw within(named ? `element ${describeValue(names[i])}` : `element ${i}`, error);
    }
  };
}
