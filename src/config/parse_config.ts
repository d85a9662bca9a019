import * as v from "valibot";
import { parse, YAMLParseError } from "yaml";
import { readEnv } from "../runtime/env.ts";
import { type ConfigProblem, configProblems } from "../validation/format_issues.ts";
import { redact } from "../validation/redact.ts";
import { TuskConfigError } from "./config_error.ts";
import { ConfigSchema, type TuskConfig } from "./config_schema.ts";
import { interpolate } from "./interpolate.ts";

/** Options of {@linkcode parseConfig} and {@linkcode parseYamlDocument}. */
export interface ParseConfigOptions {
  /** A record used instead of the process environment for `${VAR}` (a Worker's `env`). */
  env?: Record<string, unknown>;
  /** Where the configuration came from, for error messages. @default {"config"} */
  source?: string;
}

/**
 * Checks a configuration without starting anything: interpolates `${VAR}`,
 * validates every key, and requires an app name when heartbeat or logging is
 * configured. `forConfig` starts what this returns; the command line only reads it.
 *
 * @param config The configuration object.
 * @param options Environment and source name.
 * @returns The validated configuration.
 * @throws {TuskConfigError} Listing every unknown key, wrong type, missing key and unset
 * variable with its path; a password's value is never shown.
 *
 * @example
 * ```ts
 * import { parseConfig } from "./parse_config.ts";
 * const config = parseConfig({ host: "localhost", heartbeat: { table: "heartbeats" }, app: "a" });
 * ```
 */
export function parseConfig(config: unknown, options: ParseConfigOptions = {}): TuskConfig {
  const source = options.source ?? "config";
  const problems: ConfigProblem[] = [];
  const secrets = new Map<string, string>();
  const lookup = (name: string) => readEnv(name, options.env);
  const expanded = interpolate(config ?? {}, lookup, { problems, secrets });
  const result = v.safeParse(ConfigSchema, expanded);
  if (!result.success) {
    // A key whose ${VAR} is unset is reported once, as that: the placeholder
    // left in its place is not checked again.
    const unset = new Set(problems.map((p) => p.path));
    problems.push(
      ...configProblems(result.issues).filter((p) =>
        p.message === "unknown key" || !unset.has(p.path)
      ),
    );
  }
  if (result.success && (result.output.heartbeat || result.output.logging) && !result.output.app) {
    if (lookup("app") === undefined && lookup("APP") === undefined) {
      problems.push({
        path: "app",
        message: "missing: heartbeat and logging need an app name (or APP in the environment)",
      });
    }
  }
  if (result.success && result.output.url !== undefined && result.output.shards !== undefined) {
    problems.push({
      path: "shards",
      message:
        'give "url" (endpoints with the same data) or "shards" (replicas per shard), not both',
    });
  }
  if (problems.length > 0 || !result.success) {
    // A password misplaced under another key, or read from ${CH_PASSWORD}
    // into one, is never shown.
    const shown = problems.map((p) => ({ ...p, message: redact(p.message, secrets) }));
    throw new TuskConfigError(source, shown);
  }
  return result.output;
}

/**
 * Parses YAML text into the mapping a configuration is, without validating its keys.
 *
 * @param text The YAML.
 * @param source Where it came from, for error messages.
 * @returns The top-level mapping.
 * @throws {TuskConfigError} For a syntax error (with line and column), YAML that holds no
 * configuration (empty, or only comments), or a top level that is not a mapping.
 *
 * @example
 * ```ts
 * import { parseYamlDocument } from "./parse_config.ts";
 * const document = parseYamlDocument("app: my_app\n", "example.yml");
 * ```
 */
export function parseYamlDocument(text: string, source: string): object {
  let config: unknown;
  try {
    config = parse(text, { prettyErrors: true });
  } catch (error) {
    if (!(error instanceof YAMLParseError)) throw error;
    const at = error.linePos?.[0];
    const where = at ? `line ${at.line}, column ${at.col}: ` : "";
    throw new TuskConfigError(source, [{
      path: "",
      message: `${where}YAML syntax error: ${firstLine(error.message)}`,
    }]);
  }
  if (config === null || config === undefined) {
    // An empty file, or one of comments only: most likely the wrong file.
    throw new TuskConfigError(source, [{
      path: "",
      message: "holds no configuration (the YAML is empty or only comments)",
    }]);
  }
  if (typeof config !== "object" || Array.isArray(config)) {
    throw new TuskConfigError(source, [{
      path: "",
      message: "expected a mapping of keys at the top level",
    }]);
  }
  return config;
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}
