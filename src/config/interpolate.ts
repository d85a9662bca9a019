import type { ConfigProblem } from "../validation/format_issues.ts";

const PLACEHOLDER = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed
 * configuration with environment values (`$${` stands for a literal `${`).
 * A string that is one placeholder alone takes the value's type, so
 * `port: ${PORT}` gives a number. Unset variables without a default are
 * reported with their key path.
 *
 * @param value The parsed configuration.
 * @param lookup Reads one environment variable.
 * @param problems Receives one problem per unset variable.
 * @param path The key path of `value`.
 * @returns A copy with the placeholders replaced.
 */
export function interpolate(
  value: unknown,
  lookup: (name: string) => string | undefined,
  problems: ConfigProblem[],
  path = "",
): unknown {
  if (typeof value === "string") return interpolateString(value, lookup, problems, path);
  if (Array.isArray(value)) {
    return value.map((item, i) => interpolate(item, lookup, problems, join(path, String(i))));
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map((
        [key, item],
      ) => [key, interpolate(item, lookup, problems, join(path, key))]),
    );
  }
  return value;
}

function interpolateString(
  text: string,
  lookup: (name: string) => string | undefined,
  problems: ConfigProblem[],
  path: string,
): unknown {
  let missing = false;
  const replaced = text.replace(PLACEHOLDER, (match, name?: string, fallback?: string) => {
    if (name === undefined) return "${"; // the $${ escape
    const found = lookup(name);
    if (found !== undefined && found !== "") return found;
    if (fallback !== undefined) return fallback;
    problems.push({
      path,
      message: `environment variable "${name}" is not set (use \${${name}:-default})`,
    });
    missing = true;
    return match;
  });
  if (missing || !WHOLE.test(text)) return replaced;
  return scalar(replaced);
}

// The YAML 1.2 core schema's plain scalars, for a value that came from one placeholder.
function scalar(text: string): unknown {
  if (/^[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  return text;
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}
