/**
 * One-call setup from YAML, an object, and the environment: the original
 * library's YAML works unchanged.
 *
 * @example
 * ```ts
 * import * as tuskYaml from "@tusk/clickhouse/yaml";
 * const setup = await tuskYaml.forYamlFile("example.yml");
 * // ... the app runs; heartbeats and logs flow ...
 * await setup.stop();
 * ```
 *
 * @module
 */

export { forYaml, forYamlFile } from "./for_yaml.ts";
export { type ConfigOptions, forConfig, type TuskSetup } from "./for_config.ts";
export { TuskConfigError } from "./config_error.ts";
export type { ConfigProblem } from "../validation/format_issues.ts";
