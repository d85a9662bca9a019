// Encoders for String, FixedString, UUID, Enum, IPv4 and IPv6: all written as JSON strings.

import type { EnumType } from "./column_type.ts";
import { describeValue, mismatch } from "./_describe_value.ts";
import { EncodeError } from "./encode_error.ts";

type Encoder = (value: unknown) => string;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const hasIsWellFormed = typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed ===
  "function";

/** Tells whether a string is valid UTF-16 (no lone surrogates), fast where the engine can. */
export const isWellFormed: (text: string) => boolean = hasIsWellFormed
  ? (text) => (text as unknown as { isWellFormed(): boolean }).isWellFormed()
  : (text) => !LONE_SURROGATE.test(text);

function loneSurrogate(v: string): EncodeError {
  return new EncodeError(`expected well-formed text, got ${describeValue(v)} (lone surrogate)`);
}

/** Short strings the String encoder remembers: at most this many, of at most this length. */
const CACHE_ENTRIES = 128;
const CACHE_LENGTH = 48;

/** Encoder for String: strings only; lone surrogates are refused (not valid UTF-8). */
export function stringEncoder(): Encoder {
  // Telemetry strings (hosts, metric names, tags) repeat: the recent short ones
  // are remembered, so a repeated value costs one lookup and makes no new string.
  let cache = new Map<string, string>();
  return (v) => {
    if (typeof v !== "string") throw mismatch("a string", v);
    if (v.length > CACHE_LENGTH) {
      if (!isWellFormed(v)) throw loneSurrogate(v);
      return JSON.stringify(v);
    }
    let text = cache.get(v);
    if (text === undefined) {
      if (!isWellFormed(v)) throw loneSurrogate(v);
      text = JSON.stringify(v);
      if (cache.size >= CACHE_ENTRIES) cache = new Map();
      cache.set(v, text);
    }
    return text;
  };
}

/** Encoder for FixedString(N): strings of at most N bytes in UTF-8. */
export function fixedStringEncoder(length: number): Encoder {
  const expected = `a string of at most ${length} UTF-8 bytes`;
  return (v) => {
    if (typeof v !== "string") throw mismatch(expected, v);
    if (!isWellFormed(v)) throw loneSurrogate(v);
    // Each UTF-16 unit takes at most 3 UTF-8 bytes, so short strings skip the count.
    if (v.length * 3 > length && utf8Length(v) > length) throw mismatch(expected, v);
    return JSON.stringify(v);
  };
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Encoder for UUID: the canonical 8-4-4-4-12 hex form, written in lower case. */
export function uuidEncoder(): Encoder {
  return (v) => {
    if (typeof v === "string" && UUID_TEXT.test(v)) return `"${v.toLowerCase()}"`;
    throw mismatch("a UUID string like 6ba7b810-9dad-11d1-80b4-00c04fd430c8", v);
  };
}

/** Encoder for Enum8/Enum16: a name or its number, always written as the quoted name. */
export function enumEncoder(type: EnumType): Encoder {
  const byName = new Map<string, string>();
  const byNumber = new Map<number, string>();
  for (const [name, value] of type.entries) {
    byName.set(name, JSON.stringify(name));
    byNumber.set(value, JSON.stringify(name));
  }
  const names = [...byName.values()];
  const expected = `one of ${names.slice(0, 10).join(", ")}${names.length > 10 ? ", ..." : ""}` +
    " or its number";
  return (v) => {
    const quoted = typeof v === "string"
      ? byName.get(v)
      : typeof v === "number"
      ? byNumber.get(v)
      : undefined;
    if (quoted !== undefined) return quoted;
    throw mismatch(expected, v);
  };
}

const OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const IPV4_TEXT = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const IPV6_TEXT = /^(?=.*:)[0-9A-Fa-f:.]{2,45}$/;

/** Encoder for IPv4 (dotted quad) or IPv6 (loosely checked: hex digits, colons, dots). */
export function ipEncoder(kind: "ipv4" | "ipv6"): Encoder {
  const pattern = kind === "ipv4" ? IPV4_TEXT : IPV6_TEXT;
  const expected = kind === "ipv4" ? "an IPv4 address like 192.0.2.1" : "an IPv6 address";
  return (v) => {
    if (typeof v === "string" && pattern.test(v)) return `"${v}"`;
    throw mismatch(expected, v);
  };
}
