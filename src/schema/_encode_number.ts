// Encoders for Int*/UInt*, Float*, Bool and Decimal. Integers and decimals are written as
// unquoted JSON numbers: ClickHouse reads them as exact text, never through a double.

import type { DecimalType, IntType } from "./column_type.ts";
import { mismatch } from "./_describe_value.ts";
import { EncodeError } from "./encode_error.ts";

type Encoder = (value: unknown) => string;

const FLOAT32_WORD = "a finite number within the Float32 range";
const INTEGER_TEXT = /^-?[0-9]{1,80}$/;

/** Encoder for an integer column; strings are accepted only for 64 bits and wider. */
export function intEncoder(type: IntType): Encoder {
  const { bits, signed } = type;
  const bmin = signed ? -(1n << BigInt(bits - 1)) : 0n;
  const bmax = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  const expected = `an integer from ${bmin} to ${bmax}`;
  if (bits <= 32) {
    const min = Number(bmin);
    const max = Number(bmax);
    return (v) => {
      if (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max) return "" + v;
      if (typeof v === "bigint" && v >= bmin && v <= bmax) return v.toString();
      throw mismatch(expected, v);
    };
  }
  const wide = `${expected} (number, bigint or decimal string)`;
  return (v) => {
    if (typeof v === "number") {
      if (Number.isSafeInteger(v) && (signed || v >= 0)) return "" + v;
      throw Number.isInteger(v) && !Number.isSafeInteger(v)
        ? mismatch(`${wide}; numbers beyond 2^53 are inexact, pass a bigint`, v)
        : mismatch(wide, v);
    }
    const big = typeof v === "bigint"
      ? v
      : typeof v === "string" && INTEGER_TEXT.test(v)
      ? BigInt(v)
      : undefined;
    if (big !== undefined && big >= bmin && big <= bmax) return big.toString();
    throw mismatch(wide, v);
  };
}

/** Encoder for Float32/Float64: finite numbers, or bigints that convert exactly. */
export function floatEncoder(bits: 32 | 64): Encoder {
  const expected = bits === 32 ? FLOAT32_WORD : "a finite number";
  return (v) => {
    if (typeof v === "number") {
      if (bits === 64 ? Number.isFinite(v) : Number.isFinite(Math.fround(v))) return "" + v;
      if (Number.isNaN(v) || !Number.isFinite(v)) {
        throw new EncodeError(`expected ${expected}, got ${v} (JSON cannot carry NaN or Infinity)`);
      }
    } else if (typeof v === "bigint" && v >= -0x1fffffffffffffn && v <= 0x1fffffffffffffn) {
      return "" + Number(v);
    }
    throw mismatch(expected, v);
  };
}

/** Encoder for Bool: only `true` and `false`. */
export function boolEncoder(): Encoder {
  return (v) => {
    if (v === true) return "true";
    if (v === false) return "false";
    throw mismatch("a boolean", v);
  };
}

const DECIMAL_TEXT = /^([-+]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([-+]?[0-9]{1,3}))?$/;

/** Encoder for Decimal(P, S): refuses values that would lose digits instead of rounding. */
export function decimalEncoder(type: DecimalType): Encoder {
  const { precision, scale } = type;
  const name = `Decimal(${precision}, ${scale})`;
  return (v) => {
    let text: string;
    if (typeof v === "number" && Number.isFinite(v)) text = "" + v;
    else if (typeof v === "bigint") text = v.toString();
    else if (typeof v === "string" && v.length <= 200) text = v;
    else throw mismatch(`a finite number, bigint or decimal string for ${name}`, v);
    const m = DECIMAL_TEXT.exec(text);
    if (m === null || m[2] + (m[3] ?? "") === "") throw mismatch(`a decimal for ${name}`, v);
    return normalizeDecimal(m, precision - scale, scale, name, v);
  };
}

// Moves the decimal point by the exponent, trims zeros, then checks both digit budgets.
function normalizeDecimal(
  m: RegExpExecArray,
  intLimit: number,
  scale: number,
  name: string,
  v: unknown,
): string {
  const digits = m[2] + (m[3] ?? "");
  const point = m[2].length + Number(m[4] ?? 0);
  let int = point <= 0 ? "" : digits.slice(0, point).padEnd(point, "0");
  let frac = point <= 0 ? "0".repeat(-point) + digits : digits.slice(point);
  int = int.replace(/^0+/, "");
  frac = frac.replace(/0+$/, "");
  if (frac.length > scale) {
    throw mismatch(`at most ${scale} fraction digits for ${name} (no silent rounding)`, v);
  }
  if (int.length > intLimit) {
    throw mismatch(`at most ${intLimit} integer digits for ${name}`, v);
  }
  const sign = m[1] === "-" && (int !== "" || frac !== "") ? "-" : "";
  return sign + (int || "0") + (frac ? "." + frac : "");
}
