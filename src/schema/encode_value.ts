/**
 * Compiles a column type into a function that writes one value as JSONEachRow text.
 *
 * @module
 */

import type { ColumnType, TupleElement } from "./column_type.ts";
import { boolEncoder, decimalEncoder, floatEncoder, intEncoder } from "./_encode_number.ts";
import {
  enumEncoder,
  fixedStringEncoder,
  ipEncoder,
  stringEncoder,
  uuidEncoder,
} from "./_encode_text.ts";
import { dateTime64Encoder, dateTimeEncoder, dayEncoder } from "./_encode_time.ts";
import { arrayEncoder, mapEncoder, tupleEncoder } from "./_encode_composite.ts";
import { describeValue, mismatch } from "./_describe_value.ts";
import { EncodeError } from "./encode_error.ts";

/** Writes one value as the JSON text of its column; throws {@linkcode EncodeError}. */
export type Encoder = (value: unknown) => string;

/**
 * Builds the encoder for a column once, so that each call does no type dispatch.
 *
 * Values of the wrong JS type are refused, never coerced: a String column takes only
 * strings, an Int column only numbers and bigints (and, from 64 bits up, decimal strings).
 *
 * @param type The parsed column type, from {@linkcode parseType}.
 * @returns A function from a JS value to the JSON text for that column.
 *
 * @example Usage
 * ```ts
 * import { compileEncoder } from "./encode_value.ts";
 * import { parseType } from "./parse_type.ts";
 * const encode = compileEncoder(parseType("DateTime64(3, 'Asia/Tokyo')"));
 * encode(new Date("2023-11-14T22:13:20.123Z")); // "1700000000123"
 * ```
 */
export function compileEncoder(type: ColumnType): Encoder {
  switch (type.kind) {
    case "int":
      return intEncoder(type);
    case "float":
      return floatEncoder(type.bits);
    case "bool":
      return boolEncoder();
    case "decimal":
      return decimalEncoder(type);
    case "string":
      return stringEncoder();
    case "fixed_string":
      return fixedStringEncoder(type.length);
    case "uuid":
      return uuidEncoder();
    case "enum":
      return enumEncoder(type);
    case "ipv4":
    case "ipv6":
      return ipEncoder(type.kind);
    case "date":
    case "date32":
      return dayEncoder(type.kind);
    case "datetime":
      return dateTimeEncoder();
    case "datetime64":
      return dateTime64Encoder(type.precision);
    default:
      return compileComposite(type);
  }
}

function compileComposite(type: ColumnType): Encoder {
  switch (type.kind) {
    case "nullable": {
      const inner = compileEncoder(type.inner);
      return (v) => v === null || v === undefined ? "null" : inner(v);
    }
    case "low_cardinality":
      return compileEncoder(type.inner);
    case "array":
      return arrayEncoder(compileEncoder(type.element));
    case "map":
      return mapEncoder(type.key, compileEncoder(type.key), compileEncoder(type.value));
    case "tuple":
      return tupleEncoder(type.elements, compileEncoder);
    case "nested": {
      const fields: TupleElement[] = type.fields;
      return arrayEncoder(tupleEncoder(fields, compileEncoder));
    }
    case "nothing":
      return (v) => {
        if (v === null || v === undefined) return "null";
        throw mismatch("null (the column type is Nothing)", v);
      };
    default:
      return otherEncoder();
  }
}

// Types Tusk does not model (JSON, Variant, AggregateFunction...) take any JSON value as is.
function otherEncoder(): Encoder {
  return (v) => {
    let text: string | undefined;
    try {
      text = JSON.stringify(v);
    } catch (error) {
      const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
      throw new EncodeError(`expected a JSON value, got ${describeValue(v)} (${why})`);
    }
    if (text === undefined) throw mismatch("a JSON value", v);
    return text;
  };
}
