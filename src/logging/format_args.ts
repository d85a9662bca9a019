import { errorTitle, inspect } from "./_inspect.ts";

/**
 * Formats console arguments the way a console prints them: a leading string
 * may hold `%s`, `%d`, `%i`, `%f`, `%o`, `%O`, `%j` and `%c` (styles, dropped);
 * `%%` is a percent sign; the other arguments follow, separated by spaces,
 * strings as they are and everything else inspected (cycles are safe). An
 * `Error` shows as `Name: message`; its stack belongs in the stacktrace column.
 * Never throws.
 *
 * @param args The console call's arguments.
 * @returns The message.
 */
export function formatArgs(args: readonly unknown[]): string {
  if (args.length === 0) return "";
  const first = args[0];
  if (args.length === 1 && typeof first === "string") return first;
  let out: string;
  let next: number;
  if (typeof first === "string") {
    [out, next] = args.length > 1 && first.includes("%") ? substitute(first, args) : [first, 1];
  } else {
    [out, next] = [plain(first), 1];
  }
  for (let i = next; i < args.length; i++) out += " " + plain(args[i]);
  return out;
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

function substitute(format: string, args: readonly unknown[]): [string, number] {
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
      out += format.slice(last, at) + directive(code, args[next++]);
      last = at + 2;
    }
    at = format.indexOf("%", last > at ? last : at + 1);
  }
  return [out + format.slice(last), next];
}

function directive(code: string, value: unknown): string {
  try {
    switch (code) {
      case "s":
        return typeof value === "string"
          ? value
          : typeof value === "object" && value !== null
          ? plain(value)
          : typeof value === "bigint"
          ? `${value}n`
          : String(value);
      case "d":
      case "i":
        if (typeof value === "bigint") return `${value}n`;
        if (typeof value === "object" || typeof value === "symbol") return "NaN";
        return code === "d" ? String(Number(value)) : String(parseInt(String(value), 10));
      case "f":
        return typeof value === "symbol" ? "NaN" : String(parseFloat(String(value)));
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
