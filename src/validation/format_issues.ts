import type { BaseIssue } from "valibot";

/** One problem found in options or a config: where, and what is wrong. */
export interface ConfigProblem {
  /** The key path, dot-separated (`heartbeat.period`); empty for the whole value. */
  path: string;
  /** What is wrong, e.g. `expected a number, got "abc"`. */
  message: string;
}

// Values under these keys are never echoed back.
const SECRET = /password|secret|token|key$/i;
const ARTICLES: Record<string, string> = {
  number: "a number",
  string: "a string",
  boolean: "a boolean",
  Object: "an object",
  Array: "an array",
};

/**
 * Turns valibot issues into one {@linkcode ConfigProblem} per problem, with
 * messages of our own (`unknown key`, `expected a number, got "abc"`) and
 * secrets never echoed.
 *
 * @param issues The issues from `safeParse` (collect them all: no `abortEarly`).
 * @returns The problems, in the order found.
 */
export function configProblems(issues: readonly BaseIssue<unknown>[]): ConfigProblem[] {
  return issues.map((issue) => {
    const path = issue.path?.map((item) => String(item.key)).join(".") ?? "";
    return { path, message: describe(issue, SECRET.test(path)) };
  });
}

/**
 * Renders valibot issues as `label "path": message`, one string per problem.
 *
 * @param issues The issues from `safeParse`.
 * @param label How a key is introduced, e.g. `option`.
 * @returns The lines.
 */
export function formatIssues(issues: readonly BaseIssue<unknown>[], label: string): string[] {
  return configProblems(issues).map(({ path, message }) =>
    `${path === "" ? label : `${label} "${path}"`}: ${message}`
  );
}

function describe(issue: BaseIssue<unknown>, secret: boolean): string {
  if (issue.type === "strict_object" && issue.expected === "never") return "unknown key";
  if (issue.kind === "schema" && issue.input === undefined) return "missing required key";
  if (issue.kind === "schema") {
    const expected = (issue.expected ?? "another type").replace(/^\((.*)\)$/, "$1");
    const got = secret ? `a ${typeof issue.input}` : issue.received;
    return `expected ${ARTICLES[expected] ?? expected}, got ${got}`;
  }
  if (secret) return "invalid value";
  return issue.message.replace(/^Invalid \w+: /, "").replace(/^Expected/, "expected");
}
