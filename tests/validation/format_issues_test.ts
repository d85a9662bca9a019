import assert from "node:assert/strict";
import * as v from "valibot";
import { configProblems, formatIssues } from "../../src/validation/format_issues.ts";

const SCHEMA = v.strictObject({
  name: v.string(),
  period: v.optional(v.number()),
  password: v.optional(v.string()),
  url: v.optional(v.picklist(["http://localhost:8123"])),
  nested: v.optional(v.strictObject({ count: v.pipe(v.number(), v.minValue(1)) })),
});

function issues(input: unknown) {
  const result = v.safeParse(SCHEMA, input);
  assert.ok(!result.success, "the input is refused");
  return result.issues;
}

Deno.test("configProblems() gives each problem its dotted key path and a message of our own", () => {
  assert.deepEqual(
    configProblems(issues({ period: "abc", extra: 1, nested: { count: 0 } })),
    [
      { path: "name", message: "missing required key" },
      { path: "period", message: 'expected a number, got "abc"' },
      { path: "nested.count", message: "expected >=1 but received 0" },
      { path: "extra", message: "unknown key" },
    ],
  );
});

Deno.test("configProblems() never echoes a secret's value", () => {
  const problems = configProblems(issues({ name: "a", password: 12345 }));
  assert.deepEqual(problems, [{ path: "password", message: "expected a string, got a number" }]);
  assert.deepEqual(configProblems(issues({ name: "a", password: ["x"] })), [
    { path: "password", message: "expected a string, got an array" },
  ]);
});

Deno.test("configProblems() masks the password of a URL it shows", () => {
  const problems = configProblems(issues({ name: "a", url: "http://tester:P@ss@h:8123" }));
  assert.deepEqual(problems, [{
    path: "url",
    message: 'expected "http://localhost:8123", got "http://tester:***@h:8123"',
  }]);
});

Deno.test("configProblems() names the kind of an object it does not show", () => {
  assert.deepEqual(configProblems(issues({ name: [1], period: new Map() })), [
    { path: "name", message: "expected a string, got an array" },
    { path: "period", message: "expected a number, got a Map" },
  ]);
});

Deno.test('formatIssues() renders `label "path": message`, the label alone for the whole value', () => {
  assert.deepEqual(formatIssues(issues({ name: 1 }), "option"), [
    'option "name": expected a string, got 1',
  ]);
  const whole = v.safeParse(SCHEMA, 42);
  assert.ok(!whole.success);
  assert.deepEqual(formatIssues(whole.issues, "option"), ["option: expected an object, got 42"]);
});
