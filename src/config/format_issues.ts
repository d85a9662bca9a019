import type { BaseIssue } from "valibot";

/**
 * Renders valibot issues as one message per problem, each led by its key
 * path, e.g. `option "port": expected a number, got "abc"`.
 *
 * @param issues The issues from `safeParse`.
 * @param label How a key is introduced (`option`, a file name...).
 * @returns The lines, one per issue.
 */
export function formatIssues(issues: readonly BaseIssue<unknown>[], label: string): string[] {
  return issues.map((issue) => {
    const path = issue.path?.map((item) => String(item.key)).join(".") ?? "";
    const where = path === "" ? label : `${label} "${path}"`;
    if (issue.type === "strict_object" || issue.kind === "schema" && issue.expected === "never") {
      return `${where}: unknown key`;
    }
    return `${where}: ${describe(issue, SECRET.test(path))}`;
  });
}

// Values under these keys are never echoed back.
const SECRET = /password|secret|token|key$/i;

function describe(issue: BaseIssue<unknown>, secret: boolean): string {
  if (issue.kind === "schema") {
    const got = secret ? `a ${typeof issue.input}` : issue.received;
    return `expected ${issue.expected ?? "another type"}, got ${got}`;
  }
  if (secret) return "invalid value";
  return issue.message.replace(/^Invalid \w+: /, "").replace(/^Expected/, "expected");
}
