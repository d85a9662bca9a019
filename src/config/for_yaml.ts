import { type ConfigOptions, forConfig, type TuskSetup } from "./for_config.ts";
import { parseYamlDocument } from "./parse_config.ts";

/**
 * Starts Tusk from YAML text, in any runtime (Workers included): parses it,
 * then does what {@linkcode forConfig} does.
 *
 * @param text The YAML.
 * @param options Environment, source name (for messages), and `init` extras.
 * @returns What was started.
 * @throws {TuskConfigError} For a syntax error (with line and column), any invalid key, or
 * YAML that holds no configuration (empty, or only comments).
 *
 * @example The original's YAML
 * ```ts
 * import { forYaml } from "@tusk/clickhouse/yaml";
 * const setup = forYaml(`
 * app: 'my_app'
 * host: 'localhost'
 * user: 'tester'
 * password: 'P@assw0rd'
 * heartbeat:
 *   database: 'maintenance'
 *   table: 'heartbeats'
 * logging:
 *   database: 'maintenance'
 *   table: 'logs'
 * `);
 * await setup.stop();
 * ```
 */
export function forYaml(text: string, options: ConfigOptions = {}): TuskSetup {
  const source = options.source ?? "config";
  return forConfig(parseYamlDocument(text, source), { ...options, source });
}

/**
 * Starts Tusk from a YAML file (Deno, Bun, Node). Errors name the file.
 *
 * @param path The file's path.
 * @param options Environment and `init` extras.
 * @returns What was started.
 * @throws {TuskConfigError} For a syntax error, any invalid key, or an empty file.
 * @throws {Error} When the file cannot be read.
 *
 * @example
 * ```ts
 * import { forYamlFile } from "@tusk/clickhouse/yaml";
 * const setup = await forYamlFile("example.yml");
 * await setup.stop();
 * ```
 */
export async function forYamlFile(
  path: string,
  options: Omit<ConfigOptions, "source"> = {},
): Promise<TuskSetup> {
  return forYaml(await readText(path), { ...options, source: path });
}

async function readText(path: string): Promise<string> {
  const deno = (globalThis as { Deno?: { readTextFile(path: string): Promise<string> } }).Deno;
  if (deno) return await deno.readTextFile(path);
  // Bun and Node: loaded only here, so the module stays importable in Workers.
  const fs = await import("node:fs/promises");
  return await fs.readFile(path, "utf8");
}
