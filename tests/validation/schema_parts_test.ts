import assert from "node:assert/strict";
import * as v from "valibot";
import {
  host,
  httpUrl,
  nonEmpty,
  port,
  positiveInt,
  seconds,
} from "../../src/validation/schema_parts.ts";

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

Deno.test("port accepts whole numbers from 1 to 65535, saying what is wrong otherwise", () => {
  accepts(port, [1, 8123, 65535], [0, 65536, 1.5, "8123"]);
  const result = v.safeParse(port, 99999);
  assert.ok(!result.success);
  assert.equal(result.issues[0].message, "port 99999 is out of range (1-65535)");
});

Deno.test("httpUrl accepts http(s) URLs, with urlProblem()'s message otherwise", () => {
  accepts(httpUrl, ["http://localhost:8123", "https://[::1]"], ["ftp://h", "http://h:0", 1]);
  const result = v.safeParse(httpUrl, "http://u:pw@h:99999");
  assert.ok(!result.success);
  assert.equal(
    result.issues[0].message,
    'port 99999 is out of range (1-65535) in "http://u:***@h:99999"',
  );
});

Deno.test("host accepts a host alone, with hostProblem()'s message otherwise", () => {
  accepts(host, ["localhost", "::1", "10.0.0.1"], ["", "u:p@h", "h:8123", "h/x"]);
});
