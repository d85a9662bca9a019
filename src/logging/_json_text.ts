import { wellFormed } from "./_well_formed.ts";

// JSON for log values, which may be anything: text is mended as every log
// column's is (a lone surrogate becomes U+FFFD), a bigint becomes its digits as a
// string, an Error its name, message and stack, a cycle the string
// "[Circular]"; what JSON has no form for (undefined, a function, a symbol)
// is the value's String(). Never throws.

/**
 * A value as JSON text.
 *
 * @param value Anything.
 * @param indent Spaces per level of nesting; none for one line.
 * @returns The JSON text (`"[unprintable]"`, quoted, when the value resists).
 */
export function jsonText(value: unknown, indent?: number): string {
  try {
    const text = JSON.stringify(value, replacer(), indent);
    return text === undefined ? JSON.stringify(String(value)) : text;
  } catch {
    return '"[unprintable]"';
  }
}

// The stack of containers being written, from the outermost: `this` is the
// container of the key being written, so everything after it is finished.
// An Error is written as a new object, so the stack keeps what was given too.
function replacer(): (this: unknown, key: string, value: unknown) => unknown {
  const open: unknown[] = [];
  const given: unknown[] = [];
  return function (this: unknown, _key: string, value: unknown): unknown {
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "string") return wellFormed(value);
    if (typeof value !== "object" || value === null) return value;
    const at = open.indexOf(this);
    open.length = given.length = at + 1;
    if (given.includes(value)) return "[Circular]";
    const written = value instanceof Error ? errorObject(value) : value;
    open.push(written);
    given.push(value);
    return written;
  };
}

function errorObject(error: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { name: error.name, message: error.message };
  if (typeof error.stack === "string") out.stack = error.stack;
  if (error.cause !== undefined) out.cause = error.cause;
  return out;
}
