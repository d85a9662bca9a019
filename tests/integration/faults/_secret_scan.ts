// What the secret scans collect: everything the library lets a user see (thrown errors with their
// cause chain and stack, onError reports, console lines, stats()), as text to search.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";

/**
 * An error as text: name, message, stack, every own property (enumerable or
 * not: `cause`, `problems`, `row`, ...), and the same for its cause chain and
 * an `AggregateError`'s errors. Other values: JSON, else `String()`.
 */
export function dump(value: unknown, seen = new Set<unknown>()): string {
  if (typeof value === "object" && value !== null) {
    if (seen.has(value)) return "";
    seen.add(value);
  }
  if (value instanceof Error) {
    const own = Object.getOwnPropertyNames(value)
      .filter((k) => k !== "stack" && k !== "message")
      .map((k) => `${k}=${dump((value as unknown as Record<string, unknown>)[k], seen)}`);
    return [value.name, value.message, value.stack, ...own].join(" ");
  }
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((item) => dump(item, seen)).join(" ");
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The spellings of a password a leak could take: plain, percent-encoded, in Basic auth. */
export function secretForms(user: string, secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    Buffer.from(secret).toString("base64"),
    Buffer.from(`${user}:${secret}`).toString("base64"),
  ];
}

/** Fails naming the first text that holds any form of the secret. */
export function assertNoSecret(texts: readonly string[], forms: readonly string[]): void {
  for (const text of texts) {
    for (const form of forms) {
      assert.ok(!text.includes(form), `the password (${form}) shows in:\n${text}`);
    }
  }
}

/** Runs `fn`; returns what it threw, as text, or `undefined` when it did not throw. */
export function attempt(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return dump(error);
  }
  return undefined;
}

/** Runs `fn`, which must throw; returns the error as text. */
export function thrown(fn: () => unknown): string {
  const text = attempt(fn);
  assert.ok(text !== undefined, `expected an error from ${fn.toString().slice(0, 120)}`);
  return text;
}
