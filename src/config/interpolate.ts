import type { ConfigProblem } from "../validation/format_issues.ts";
import { isSecretName } from "../validation/is_secret_name.ts";

const PLACEHOLDER = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

/** Where {@linkcode interpolate} reports to. */
export interface InterpolationReport {
  /** Receives one problem per unset variable, with its key path. */
  problems: ConfigProblem[];
  /**
   * Receives the secret values met, each with what stands for it in a
   * message: a variable whose name says it holds a secret (`CH_PASSWORD`)
   * gives `${CH_PASSWORD}`; a string under a secret key (`password`) gives
   * `***`.
   */
  secrets?: Map<string, string>;
}

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed
 * configuration with environment values (`$${` stands for a literal `${`).
 * A string that is one placeholder alone takes the value's type, so
 * `port: ${PORT}` gives a number. Unset variables without a default are
 * reported with their key path; their placeholder is left in place.
 *
 * @param value The parsed configuration.
 * @param lookup Reads one environment variable.
 * @param report Receives the unset variables and the secret values.
 * @param path The key path of `value`.
 * @returns A copy with the placeholders replaced.
 *
 * @example
 * ```ts
 * import { interpolate } from "./interpolate.ts";
 * interpolate({ port: "${PORT:-8123}" }, () => undefined, { problems: [] }); // { port: 8123 }
 * ```
 */
export function interpolate(
  value: unknown,
  lookup: (name: string) => string | undefined,
  report: InterpolationReport,
  path = "",
): unknown {
  if (typeof value === "string") {
    const out = interpolateString(value, lookup, report, path);
    if (typeof out === "string" && isSecretName(path) && !report.secrets?.has(out)) {
      report.secrets?.set(out, "***");
    }
    return out;
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => interpolate(item, lookup, report, join(path, String(i))));
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map((
        [key, item],
      ) => [key, interpolate(item, lookup, report, join(path, key))]),
    );
  }
  return value;
}

function interpolateString(
  text: string,
  lookup: (name: string) => string | undefined,
  report: InterpolationReport,
  path: string,
): unknown {
  let missing = false;
  const replaced = text.replace(PLACEHOLDER, (match, name?: string, fallback?: string) => {
    if (name === undefined) return "${"; // the $${ escape
    const found = lookup(name);
    const value = found !== undefined && found !== "" ? found : fallback;
    if (value !== undefined) {
      if (isSecretName(name) && value !== "") report.secrets?.set(value, `\${${name}}`);
      return value;
    }
    report.problems.push({
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
