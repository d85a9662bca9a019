import { describeKind } from "../schema/describe_kind.ts";
import type { BaseIssue } from "valibot";
import { isSecretName } from "./is_secret_name.ts";
import { maskUrl } from "./mask_url.ts";

/** One problem found in options or a config: where, and what is wrong. */
export interface ConfigProblem {
  /** The key path, dot-separated (`heartbeat.period`); empty for the whole value. */
  path: string;
  /** What is wrong, e.g. `expected a number, got "abc"`. */
  message: string;
}

const ARTICLES: Record<string, string> = {
  number: "a number",
  string: "a string",
  boolean: "a boolean",
  Object: "an object",
  Array: "an array",
};

/**
 * Turns valibot issues into one {@linkcode ConfigProblem} per problem, with
 * messages of our own (`unknown key`, `expected a number, got "abc"`). The
 * value under a secret key (`password`, `*_token`, ...) is never echoed, and a
 * URL's password is masked wherever a value is.
 *
 * @param issues The issues from `safeParse` (collect them all: no `abortEarly`).
 * @returns The problems, in the order found.
 */
export function configProblems(issues: readonly BaseIssue<unknown>[]): ConfigProblem[] {
  return issues.map((issue) => {
    const path = issue.path?.map((item) => String(item.key)).join(".") ?? "";
    return { path, message: describe(issue, isSecretName(path)) };
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
  const input = issue.input;
  if (issue.kind === "schema") {
    const expected = (issue.expected ?? "another type").replace(/^\((.*)\)$/, "$1");
    const shown = typeof input === "string"
      ? `"${maskUrl(input)}"`
      : typeof input === "object" && input !== null
      ? describeKind(input, { value: false })
      : issue.received;
    return `expected ${ARTICLES[expected] ?? expected}, got ${
      secret ? describeKind(input, { value: false }) : shown
    }`;
  }
  if (secret) return "invalid value";
  const message = issue.message.replace(/^Invalid \w+: /, "").replace(/^Expected/, "expected");
  return typeof input === "string" && input !== ""
    ? message.replaceAll(input, maskUrl(input))
    : message;
}
