// Encoders for Date, Date32, DateTime and DateTime64. Instants are written as unquoted epoch
// integers, which ClickHouse reads as-is whatever the column or server time zone; quoted
// "sec.frac" text goes through a date-or-timestamp guesser that misreads short values.

import { mismatch } from "./_describe_value.ts";
import { daysFromCivil, parseDay, parseInstant } from "./_parse_instant.ts";

type Encoder = (value: unknown) => string;

const DAY_MS = 86_400_000;
const MIN_SECOND_64 = -2_208_988_800; // 1900-01-01T00:00:00Z
const END_SECOND_64 = 10_413_792_000; // 2300-01-01T00:00:00Z
const INSTANT_INPUT = "a Date, epoch milliseconds or ISO-8601 string with Z or an offset";

/** Encoder for Date (1970-01-01..2149-06-06) or Date32 (1900-01-01..2299-12-31). */
export function dayEncoder(kind: "date" | "date32"): Encoder {
  const [minDay, maxDay] = kind === "date"
    ? [0, 65_535]
    : [daysFromCivil(1900, 1, 1), daysFromCivil(2299, 12, 31)];
  const range = kind === "date" ? "1970-01-01 to 2149-06-06" : "1900-01-01 to 2299-12-31";
  const expected = `a Date or "YYYY-MM-DD" string from ${range}`;
  return (v) => {
    if (v instanceof Date) {
      const day = Math.floor(v.getTime() / DAY_MS);
      if (day >= minDay && day <= maxDay) return `"${v.toISOString().slice(0, 10)}"`;
    } else if (typeof v === "string") {
      const day = parseDay(v);
      if (day !== undefined && day >= minDay && day <= maxDay) return `"${v}"`;
    }
    throw mismatch(expected, v);
  };
}

/** Encoder for DateTime: epoch seconds, sub-second parts floored; bigint means seconds. */
export function dateTimeEncoder(): Encoder {
  const expected = `${INSTANT_INPUT}, from 1970-01-01T00:00:00Z to 2106-02-07T06:28:15Z`;
  return (v) => {
    let s = NaN;
    if (v instanceof Date) s = Math.floor(v.getTime() / 1000);
    else if (typeof v === "number") s = Math.floor(v / 1000);
    else if (typeof v === "string") s = parseInstant(v)?.seconds ?? NaN;
    else if (typeof v === "bigint" && v >= 0n && v <= 0xffffffffn) s = Number(v);
    if (s >= 0 && s <= 0xffffffff) return "" + s;
    throw mismatch(expected, v);
  };
}

/**
 * Encoder for DateTime64(P): the instant in units of 10^-P s (ticks), floored. A bigint is
 * taken as ticks already. Range 1900..2299, and up to 2262-04-11 for P = 9 (Int64 ticks).
 */
export function dateTime64Encoder(precision: number): Encoder {
  const unit = 10n ** BigInt(precision);
  const minTicks = BigInt(MIN_SECOND_64) * unit;
  const cap = BigInt(END_SECOND_64) * unit - 1n;
  const maxTicks = cap < 0x7fffffffffffffffn ? cap : 0x7fffffffffffffffn;
  const maxMs = Number(
    precision >= 3
      ? maxTicks / 10n ** BigInt(precision - 3)
      : (maxTicks + 1n) * 10n ** BigInt(3 - precision) - 1n,
  );
  const last = new Date(Number(maxTicks * 1000n / unit)).toISOString();
  const expected = `${INSTANT_INPUT}, from 1900-01-01T00:00:00Z to ${last}`;
  const fromMs = msWriter(precision);
  return (v) => {
    let ms = NaN;
    if (v instanceof Date) ms = v.getTime();
    else if (typeof v === "number") ms = Math.floor(v);
    else if (typeof v === "string") {
      const instant = parseInstant(v);
      if (instant !== undefined) {
        const digits = (instant.fraction + "000000000").slice(0, precision);
        const ticks = BigInt(instant.seconds) * unit + BigInt(digits || "0");
        if (ticks >= minTicks && ticks <= maxTicks) return ticks.toString();
      }
    } else if (typeof v === "bigint" && v >= minTicks && v <= maxTicks) return v.toString();
    if (ms >= MIN_SECOND_64 * 1000 && ms <= maxMs) return fromMs(ms);
    throw mismatch(expected, v);
  };
}

// Integer milliseconds to ticks without going through a float that could round.
function msWriter(precision: number): (ms: number) => string {
  if (precision === 3) return (ms) => "" + ms;
  if (precision > 3) {
    const zeros = "0".repeat(precision - 3);
    return (ms) => ms === 0 ? "0" : ms + zeros;
  }
  const d = 10 ** (3 - precision);
  return (ms) => "" + (ms - (((ms % d) + d) % d)) / d;
}
