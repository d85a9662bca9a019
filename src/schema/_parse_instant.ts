// Calendar arithmetic and a strict ISO-8601 reader, independent of Date.parse (whose
// handling of non-standard strings differs between engines) and of the local time zone.

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const DATE_TEXT = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/** Days since the epoch of a `YYYY-MM-DD` string, or `undefined` if it is no real date. */
export function parseDay(text: string): number | undefined {
  const m = DATE_TEXT.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day);
}

const INSTANT_TEXT = new RegExp(
  "^([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,18}))?)?" +
    "(?:([Zz])|([-+])([0-9]{2})(?::?([0-9]{2}))?)$",
);

/** An instant: whole seconds since the epoch (floored) plus the digits of the fraction. */
export type Instant = { seconds: number; fraction: string };

/**
 * Reads `YYYY-MM-DDTHH:MM[:SS[.fff...]]` followed by `Z` or `+HH[:MM]`; zone-less text is
 * refused because its instant depends on a time zone the caller did not name.
 */
export function parseInstant(text: string): Instant | undefined {
  const m = INSTANT_TEXT.exec(text);
  if (m === null) return undefined;
  const days = parseDay(m[1]);
  const hour = Number(m[2]);
  const minute = Number(m[3]);
  const second = Number(m[4] ?? 0);
  const offsetHours = Number(m[8] ?? 0);
  const offsetMinutes = Number(m[9] ?? 0);
  if (days === undefined || hour > 23 || minute > 59 || second > 59) return undefined;
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offset = (m[7] === "-" ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
  const seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset;
  return { seconds, fraction: m[5] ?? "" };
}
