import assert from "node:assert/strict";
import { OTEL_SEVERITIES, otelSeverity } from "../../src/logging/otel_severity.ts";

Deno.test("otelSeverity() maps Tusk levels to the first number of each data-model range", () => {
  assert.deepEqual([1, 2, 3, 4, 5].map(otelSeverity), [
    { number: 21, text: "FATAL" },
    { number: 17, text: "ERROR" },
    { number: 13, text: "WARN" },
    { number: 9, text: "INFO" },
    { number: 5, text: "DEBUG" },
  ]);
});

Deno.test("otelSeverity() refuses a number that is no Tusk level", () => {
  for (const level of [0, 6, 2.5, Number.NaN]) {
    assert.throws(() => otelSeverity(level), RangeError, String(level));
  }
});

Deno.test("OTEL_SEVERITIES heads the six ranges of four: TRACE 1 ... FATAL 21", () => {
  const numbers = Object.values(OTEL_SEVERITIES).map((s) => s.number);
  assert.deepEqual(numbers, [1, 5, 9, 13, 17, 21]);
  assert.deepEqual(
    Object.entries(OTEL_SEVERITIES).map(([name, s]) => [name.toUpperCase(), s.text]),
    [["TRACE", "TRACE"], ["DEBUG", "DEBUG"], ["INFO", "INFO"], ["WARN", "WARN"], [
      "ERROR",
      "ERROR",
    ], ["FATAL", "FATAL"]],
  );
  assert.ok(Object.isFrozen(OTEL_SEVERITIES.error));
});
