import { inspect } from "./_inspect.ts";

const MAX_CAUSES = 5;

/**
 * The `error` and `stacktrace` columns for a thrown value: an error's name
 * and its stack followed by its causes; for anything else thrown, an empty
 * name and the value inspected. Never throws.
 *
 * @param thrown What was thrown (or passed to `exception`).
 * @returns The two values.
 */
export function errorFields(thrown: unknown): { name: string; stack: string } {
  try {
    if (!isErrorLike(thrown)) {
      return { name: "", stack: thrown === undefined ? "" : inspect(thrown) };
    }
    let stack = stackOf(thrown);
    const seen = new Set<unknown>([thrown]);
    let cause: unknown = (thrown as { cause?: unknown }).cause;
    for (let depth = 0; cause !== undefined && !seen.has(cause) && depth < MAX_CAUSES; depth++) {
      seen.add(cause);
      stack += "\nCaused by: " + (isErrorLike(cause) ? stackOf(cause) : inspect(cause));
      cause = isErrorLike(cause) ? (cause as { cause?: unknown }).cause : undefined;
    }
    return { name: String(thrown.name), stack };
  } catch {
    return { name: "", stack: "[unprintable]" };
  }
}

function isErrorLike(value: unknown): value is Error {
  return value instanceof Error ||
    (typeof value === "object" && value !== null && typeof (value as Error).name === "string" &&
      typeof (value as Error).stack === "string");
}

function stackOf(error: Error): string {
  const stack = error.stack;
  return typeof stack === "string" && stack !== "" ? stack : `${error.name}: ${error.message}`;
}
