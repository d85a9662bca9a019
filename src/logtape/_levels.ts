import type { LogTapeLevel } from "./logtape_record.ts";
import { OTEL_SEVERITIES, type OtelSeverity } from "../logging/otel_severity.ts";

/** The number written in the `level` column for each LogTape level (as `./logging` numbers). */
export const LEVEL_NUMBERS: Readonly<Record<LogTapeLevel, number>> = {
  fatal: 1,
  error: 2,
  warning: 3,
  info: 4,
  debug: 5,
  trace: 5,
};

/**
 * The OpenTelemetry severity of each LogTape level (the `"otel"` layout):
 * trace 1, debug 5, info 9, warning 13, error 17, fatal 21.
 */
export const OTEL_BY_LEVEL: Readonly<Record<LogTapeLevel, OtelSeverity>> = {
  fatal: OTEL_SEVERITIES.fatal,
  error: OTEL_SEVERITIES.error,
  warning: OTEL_SEVERITIES.warn,
  info: OTEL_SEVERITIES.info,
  debug: OTEL_SEVERITIES.debug,
  trace: OTEL_SEVERITIES.trace,
};

/** LogTape's levels, least severe first. */
export const LOGTAPE_LEVELS: readonly LogTapeLevel[] = [
  "trace",
  "debug",
  "info",
  "warning",
  "error",
  "fatal",
];

// A number names the least severe level it covers: 5 covers debug and trace.
const LEAST_BY_NUMBER: Readonly<Record<number, LogTapeLevel>> = {
  1: "fatal",
  2: "error",
  3: "warning",
  4: "info",
  5: "trace",
};

/**
 * The severity rank (0 for trace ... 5 for fatal) from which records are kept.
 *
 * @param level A LogTape level name, or a `level` column number from 1 to 5.
 * @returns The rank; records of a lower rank are skipped.
 */
export function thresholdRank(level: LogTapeLevel | number): number {
  const name = typeof level === "number" ? LEAST_BY_NUMBER[level]! : level;
  return LOGTAPE_LEVELS.indexOf(name);
}

/**
 * The severity rank of a record's level.
 *
 * @param level The record's level.
 * @returns 0 (trace) to 5 (fatal), or -1 for a level LogTape does not define.
 */
export function levelRank(level: string): number {
  return LOGTAPE_LEVELS.indexOf(level as LogTapeLevel);
}
