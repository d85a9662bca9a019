import { inspect } from "./_inspect.ts";

const MAX_CAUSES = 5;

/** What a thrown value gives the error columns and attributes. */
export interface ErrorFields {
  /** The error's name (`"RangeError"`), or `""` for a thrown value that is no error. */
  name: string;
  /** The error's message, or the thrown value inspected. */
  message: string;
  /** The error's stack followed by its causes, or the thrown value inspected. */
  stack: string;
}

/**
 * The error columns for a thrown value: an error's name, message, and its
 * stack followed by its causes; for anything else thrown, an empty name and
 * the value inspected. Never throws.
 *
 * @param thrown What was thrown (or passed to `exception`).
 * @returns The three values.
 */
export function errorFields(thrown: unknown): ErrorFields {
  try {
    if (!isErrorLike(thrown)) {
      const text = thrown === undefined ? "" : inspect(thrown);
      return { name: "", message: text, stack: text };
    }
    let stack = stackOf(thrown);
    const seen = new Set<unknown>([thrown]);
    let cause: unknown = (thrown as { cause?: unknown }).cause;
    for (let depth = 0; cause !== undefined && !seen.has(cause) && depth < MAX_CAUSES; depth++) {
      seen.add(cause);
      stack += "\nCaused by: " + (isErrorLike(cause) ? stackOf(cause) : inspect(cause));
      cause = isErrorLike(cause) ? (cause as { cause?: unknown }).cause : undefined;
    }
    return { name: String(thrown.name), message: String(thrown.message ?? ""), stack };
  } catch {
    return { name: "", message: "[unprintable]", stack: "[unprintable]" };
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
