import { parseConfig, parseYamlDocument } from "../config/parse_config.ts";
import type { TuskConfig } from "../config/config_schema.ts";
import type { CliIo } from "./cli_io.ts";
import { UsageError } from "./usage_error.ts";

/**
 * Reads and validates a Tusk YAML file for a command, without starting
 * anything (no heartbeats, no console capture).
 *
 * @param path The file given to `--config`.
 * @param io The runtime.
 * @returns The configuration.
 * @throws {UsageError} When the file cannot be read or is not a valid configuration.
 *
 * @example
 * ```ts ignore
 * import { processIo } from "./cli_io.ts";
 * import { readConfig } from "./read_config.ts";
 * const config = await readConfig("example.yml", processIo());
 * ```
 */
export async function readConfig(path: string, io: CliIo): Promise<TuskConfig> {
  let text: string;
  try {
    text = await io.readTextFile(path);
  } catch (error) {
    throw new UsageError(`Cannot read config "${path}": ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return parseConfig(parseYamlDocument(text, path), { source: path });
  } catch (error) {
    throw new UsageError((error as Error).message.replaceAll("\n", "; "), { cause: error });
  }
}
