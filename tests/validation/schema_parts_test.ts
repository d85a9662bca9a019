import assert from "node:assert/strict";
import * as v from "valibot";
import { nonEmpty, positiveInt, seconds } from "../../src/validation/schema_parts.ts";

function accepts(schema: v.GenericSchema, values: unknown[], refused: unknown[]): void {
  for (const value of values) assert.ok(v.is(schema, value), `accepts ${String(value)}`);
  for (const value of refused) assert.ok(!v.is(schema, value), `refuses ${String(value)}`);
}

Deno.test("seconds accepts finite durations from 0, fractions included", () => {
  accepts(seconds, [0, 0.5, 30], [-1, Infinity, Number.NaN, "5"]);
});

Deno.test("positiveInt accepts safe integers from 1", () => {
  accepts(positiveInt, [1, 500_000], [0, -1, 1.5, 2 ** 53, "1"]);
});

Deno.test("nonEmpty accepts any string but the empty one", () => {
  accepts(nonEmpty, ["a", " "], ["", 1]);
});
