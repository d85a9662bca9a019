/**
 * A severity as the OpenTelemetry log data model writes it: a number from 1
 * (TRACE) to 24 (FATAL4), in ranges of four per short name, and the short
 * name shown for it (`TRACE` 1-4, `DEBUG` 5-8, `INFO` 9-12, `WARN` 13-16,
 * `ERROR` 17-20, `FATAL` 21-24). A number of 17 or more marks an error.
 */
export interface OtelSeverity {
  /** `SeverityNumber`. */
  readonly number: number;
  /** `SeverityText`: the data model's short name for that number. */
  readonly text: string;
}

/** The OpenTelemetry severities that head each range, by short name. */
export const OTEL_SEVERITIES: Readonly<
  Record<"trace" | "debug" | "info" | "warn" | "error" | "fatal", OtelSeverity>
> = Object.freeze({
  trace: Object.freeze({ number: 1, text: "TRACE" }),
  debug: Object.freeze({ number: 5, text: "DEBUG" }),
  info: Object.freeze({ number: 9, text: "INFO" }),
  warn: Object.freeze({ number: 13, text: "WARN" }),
  error: Object.freeze({ number: 17, text: "ERROR" }),
  fatal: Object.freeze({ number: 21, text: "FATAL" }),
});

// Tusk's level numbers (1 critical ... 5 debug) in order.
const BY_LEVEL: readonly OtelSeverity[] = [
  OTEL_SEVERITIES.fatal,
  OTEL_SEVERITIES.error,
  OTEL_SEVERITIES.warn,
  OTEL_SEVERITIES.info,
  OTEL_SEVERITIES.debug,
];

/**
 * The OpenTelemetry severity of a Tusk level: critical 21 `FATAL`, error 17
 * `ERROR`, warning 13 `WARN`, info 9 `INFO`, debug 5 `DEBUG` (the first
 * number of each range, as OpenTelemetry's SDKs write them).
 *
 * @param level A Tusk level number, 1 (critical) to 5 (debug).
 * @returns The severity.
 * @throws {RangeError} For a number that is no Tusk level.
 *
 * @example
 * ```ts
 * import { otelSeverity } from "./otel_severity.ts";
 * otelSeverity(3); // { number: 13, text: "WARN" }
 * ```
 */
export function otelSeverity(level: number): OtelSeverity {
  const severity = BY_LEVEL[level - 1];
  if (severity === undefined) {
    throw new RangeError(`Cannot map level ${level} to an OpenTelemetry severity: expected 1 to 5`);
  }
  return severity;
}
