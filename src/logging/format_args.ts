import { type ConsoleDialect, convert, runtimeDialect } from "./_console_dialect.ts";
import { errorTitle, inspect } from "./_inspect.ts";

export type { ConsoleDialect } from "./_console_dialect.ts";

const RUNTIME_DIALECT = runtimeDialect();

/** How to format. */
export interface FormatOptions {
  /**
   * Whose console to match where consoles differ (`%d` of `42.5` is `42.5` in
   * Node, `42` in Deno and Bun).
   *
   * @default {the running runtime's}
   */
  dialect?: ConsoleDialect;
}

/**
 * Formats console arguments the way this runtime's console prints them: a
 * leading string may hold `%s`, `%d`, `%i`, `%f`, `%o`, `%O`, `%j` and `%c`
 * (styles, dropped); `%%` is a percent sign; the other arguments follow,
 * separated by spaces, strings as they are and everything else inspected
 * (cycles are safe). An `Error` shows as `Name: message`; its stack belongs
 * in the stacktrace column. Never throws.
 *
 * @param args The console call's arguments.
 * @param options Whose console to match.
 * @returns The message.
 *
 * @example
 * ```ts
 * import { formatArgs } from "./format_args.ts";
 * formatArgs(["%s has %d items", "cart", 3]); // "cart has 3 items"
 * ```
 */
export function formatArgs(args: readonly unknown[], options?: FormatOptions): string {
  if (args.length === 0) return "";
  const first = args[0];
  if (args.length === 1 && typeof first === "string") return first;
  let [out, next] = lead(args, options?.dialect ?? RUNTIME_DIALECT);
  for (let i = next; i < args.length; i++) out += " " + plain(args[i]);
  return out;
}

/** A logger call taken apart: its message, and the error and fields it ends with. */
export interface LogCall {
  /** The formatted message. */
  message: string;
  /** A trailing `Error` (before the fields, if any), for the error columns. */
  error: Error | undefined;
  /** A trailing plain object, for `contextColumns`. */
  fields: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Formats a logger call as the console formats its arguments, except that
 * the last arguments the format string did not use may be structured fields
 * (a plain object, last) and an `Error` (last, or just before the fields):
 * those go to their columns instead of the message. Never throws.
 *
 * @param message The first argument.
 * @param rest The arguments after it.
 * @param options Whose console to match.
 * @returns The message, error and fields.
 *
 * @example
 * ```ts
 * import { formatLogCall } from "./format_args.ts";
 * formatLogCall("served %s", ["/a", { requestId: "r-1" }]);
 * // { message: "served /a", error: undefined, fields: { requestId: "r-1" } }
 * ```
 */
export function formatLogCall(
  message: unknown,
  rest: readonly unknown[],
  options?: FormatOptions,
): LogCall {
  if (rest.length === 0) return { message: plain(message), error: undefined, fields: undefined };
  const args = [message, ...rest];
  let [out, next] = lead(args, options?.dialect ?? RUNTIME_DIALECT);
  let end = args.length;
  let fields: LogCall["fields"];
  let error: Error | undefined;
  if (end > next && isPlainRecord(args[end - 1])) fields = args[--end] as LogCall["fields"];
  if (end > next && args[end - 1] instanceof Error) error = args[--end] as Error;
  for (let i = next; i < end; i++) out += " " + plain(args[i]);
  return { message: out, error, fields };
}

/**
 * The first `Error` among the arguments, if any.
 *
 * @param args The console call's arguments.
 * @returns The error.
 */
export function firstError(args: readonly unknown[]): Error | undefined {
  for (const arg of args) if (arg instanceof Error) return arg;
  return undefined;
}

// The first argument, with the arguments its directives use; and the index of the next one.
function lead(args: readonly unknown[], dialect: ConsoleDialect): [string, number] {
  const first = args[0];
  if (typeof first === "string" && args.length > 1 && first.includes("%")) {
    return substitute(first, args, dialect);
  }
  return [plain(first), 1];
}

function isPlainRecord(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function substitute(
  format: string,
  args: readonly unknown[],
  dialect: ConsoleDialect,
): [string, number] {
  let out = "";
  let last = 0;
  let next = 1;
  let at = format.indexOf("%");
  while (at !== -1 && at < format.length - 1) {
    const code = format[at + 1]!;
    if (code === "%") {
      out += format.slice(last, at) + "%";
      last = at + 2;
    } else if ("sdifoOjc".includes(code) && next < args.length) {
      out += format.slice(last, at) + directive(code, args[next++], dialect);
      last = at + 2;
    }
    at = format.indexOf("%", last > at ? last : at + 1);
  }
  return [out + format.slice(last), next];
}

function directive(code: string, value: unknown, dialect: ConsoleDialect): string {
  try {
    switch (code) {
      case "s":
      case "d":
      case "i":
      case "f":
        return convert(code, value, dialect);
      case "j":
        return JSON.stringify(value) ?? "undefined";
      case "c":
        return "";
      default:
        return inspect(value);
    }
  } catch {
    return "[unprintable]";
  }
}

function plain(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) {
    try {
      return errorTitle(value);
    } catch {
      return "[unprintable]";
    }
  }
  return inspect(value);
}
