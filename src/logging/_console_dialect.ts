// The runtimes' consoles disagree on %s, %d, %i and %f: `console.log("%d", 42.5)`
// prints 42.5 in Node and 42 in Deno and Bun. A log row holds what this
// runtime's console printed. The rules below were read off each console
// (Node 20, Deno 2.9, Bun 1.4); tests/logging/format_args_test.ts checks them
// against the real Deno console, and the runtime suites against Node's and Bun's.

import { errorTitle, inspect } from "./_inspect.ts";

/** Whose console rules to follow: Node's (also used where none is known), Deno's or Bun's. */
export type ConsoleDialect = "node" | "deno" | "bun";

/**
 * The dialect of the runtime this code runs in, told by its globals (a
 * feature check only: nothing is called). Workers follow Node's rules.
 *
 * @returns The dialect.
 */
export function runtimeDialect(): ConsoleDialect {
  const global = globalThis as { Bun?: unknown; Deno?: unknown };
  if (global.Bun !== undefined) return "bun";
  if (global.Deno !== undefined) return "deno";
  return "node";
}

/**
 * What one console prints for `%s`, `%d`, `%i` or `%f` and its argument. May
 * run the value's own conversions (`toString`, `valueOf`), as the console
 * did; the caller catches what they throw.
 *
 * @param code `s`, `d`, `i` or `f`.
 * @param value The argument.
 * @param dialect Whose rules.
 * @returns The text.
 */
export function convert(code: string, value: unknown, dialect: ConsoleDialect): string {
  if (dialect === "node") return node(code, value);
  if (code === "s") return typeof value === "symbol" ? value.toString() : String(value);
  if (typeof value === "symbol") return "NaN";
  if (dialect === "deno") {
    return String(code === "f" ? parseFloat(value as string) : parseInt(value as string));
  }
  if (typeof value === "bigint") return String(value); // Bun's console throws for these.
  const number = Number(value);
  return code === "f" ? String(number) : String(parseInt(String(number), 10));
}

function node(code: string, value: unknown): string {
  if (typeof value === "bigint" && code !== "f") return `${value}n`;
  switch (code) {
    case "s":
      if (typeof value === "number") return numberText(value);
      if (typeof value !== "object" || value === null || !hasBuiltInToString(value)) {
        return typeof value === "symbol" ? value.toString() : String(value);
      }
      // An error's stack belongs in the stacktrace column, not the message.
      return value instanceof Error ? errorTitle(value) : inspect(value, 0);
    case "d":
      return typeof value === "symbol" ? "NaN" : numberText(Number(value));
    case "i":
      return typeof value === "symbol" ? "NaN" : numberText(parseInt(value as string));
    default:
      return typeof value === "symbol" ? "NaN" : numberText(parseFloat(value as string));
  }
}

function numberText(value: number): string {
  return Object.is(value, -0) ? "-0" : String(value);
}

// Node prints an object with %s by inspecting it, unless a class the program
// wrote gives it a `toString` of its own.
function hasBuiltInToString(value: object): boolean {
  if (typeof (value as { toString?: unknown }).toString !== "function") return true;
  if (Object.hasOwn(value, "toString")) return false;
  let holder: object | null = value;
  while (holder !== null && !Object.hasOwn(holder, "toString")) {
    holder = Object.getPrototypeOf(holder);
  }
  if (holder === null) return true;
  const constructor = Object.getOwnPropertyDescriptor(holder, "constructor")?.value;
  const name = (constructor as { name?: unknown } | undefined)?.name;
  return typeof name === "string" &&
    (globalThis as Record<string, unknown>)[name] === constructor;
}
