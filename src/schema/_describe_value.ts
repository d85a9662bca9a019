// Short, safe renderings of arbitrary values for error messages: bounded length, and no
// path through user code that could throw or recurse (getters, proxies, cycles).

import { describeKind, withArticle } from "./describe_kind.ts";
import { EncodeError } from "./encode_error.ts";

const MAX_TEXT = 40;

/** Renders any value in at most a few dozen characters; never throws. */
export function describeValue(value: unknown): string {
  try {
    return describe(value);
  } catch {
    return "an unprintable value";
  }
}

function describe(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}...` : value);
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return clip(`${value}n`);
    case "function":
      return "a function";
    case "symbol":
      return clip(value.toString());
    case "object":
      return value === null ? "null" : describeObject(value);
    default:
      return String(value);
  }
}

function describeObject(value: object): string {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? "an invalid Date" : `Date(${value.toISOString()})`;
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value instanceof Map) return `a Map of size ${value.size}`;
  if (ArrayBuffer.isView(value)) return withArticle(value.constructor.name);
  const proto = Object.getPrototypeOf(value);
  // A class instance is named by its class; its own keys say little.
  if (proto !== null && proto !== Object.prototype) return describeKind(value);
  const keys = Object.keys(value);
  const shown = keys.slice(0, 3).map((key) => clip(key, 12)).join(", ");
  return `an object {${shown}${keys.length > 3 ? ", ..." : ""}}`;
}

function clip(text: string, max = MAX_TEXT): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** Builds the usual `expected X, got Y` error. */
export function mismatch(expected: string, value: unknown): EncodeError {
  return new EncodeError(`expected ${expected}, got ${describeValue(value)}`);
}
