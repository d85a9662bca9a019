import { UsageError } from "./usage_error.ts";

/** The options a command accepts, by kind. */
export interface ArgSpec {
  /** Options that take a value (`--url http://...` or `--url=http://...`). */
  strings: readonly string[];
  /** Options that are on when present (`--json`). */
  booleans: readonly string[];
}

/** A command's arguments, parsed. */
export interface ParsedArgs {
  /** Values of the options given, by name without the dashes. */
  values: Record<string, string>;
  /** The boolean options given. */
  flags: Set<string>;
  /** The arguments that are not options. */
  positionals: string[];
}

/**
 * Parses a command's arguments: `--name value`, `--name=value`, boolean
 * `--name`, and positionals; `--help` and `-h` are always accepted (as `help`).
 *
 * @param args The arguments after the command's name.
 * @param spec The options the command accepts.
 * @param command The command's name, for messages.
 * @returns The parsed arguments.
 * @throws {UsageError} For an unknown option, a missing value, or a value given to a boolean.
 *
 * @example
 * ```ts
 * import { parseArgs } from "./parse_args.ts";
 * const parsed = parseArgs(["--url", "http://localhost:8123", "--json"], {
 *   strings: ["url"],
 *   booleans: ["json"],
 * }, "status");
 * ```
 */
export function parseArgs(args: readonly string[], spec: ArgSpec, command: string): ParsedArgs {
  const parsed: ParsedArgs = { values: {}, flags: new Set(), positionals: [] };
  const help = `see "${command} --help"`;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-h" || arg === "--help") {
      parsed.flags.add("help");
      continue;
    }
    if (!arg.startsWith("--")) {
      if (arg.startsWith("-") && arg !== "-") {
        throw new UsageError(`Unknown option "${arg}" for "${command}": ${help}`);
      }
      parsed.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (spec.booleans.includes(name)) {
      if (eq >= 0) throw new UsageError(`Option "--${name}" takes no value: ${help}`);
      parsed.flags.add(name);
    } else if (spec.strings.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined || (eq < 0 && value.startsWith("--"))) {
        throw new UsageError(`Option "--${name}" needs a value: ${help}`);
      }
      parsed.values[name] = value;
    } else {
      throw new UsageError(`Unknown option "--${name}" for "${command}": ${help}`);
    }
  }
  return parsed;
}
