import { readEnv } from "../runtime/env.ts";
import { wellFormed } from "./_well_formed.ts";

// Env tags Tusk's own log table has columns for, and the resource attribute
// each becomes: the host under its semantic-convention name.
const ENV_TAGS: ReadonlyArray<readonly [string, string]> = [
  ["TUSK_HOST", "host.name"],
  ["TUSK_CATEGORY", "tusk.category"],
];

/**
 * The `ResourceAttributes` of every row of the otel layout: `service.name`
 * (the app), `telemetry.sdk.name`, the env tags that are set (`TUSK_HOST` as
 * `host.name`, `TUSK_CATEGORY` as `tusk.category`), then the user's own,
 * which win. Read once, when logging starts.
 *
 * @param app The app name.
 * @param env The client's environment record, if `init` was given one.
 * @param extra The `resourceAttributes` option.
 * @returns The attributes.
 */
export function resourceAttributes(
  app: string,
  env: Readonly<Record<string, unknown>> | undefined,
  extra: Readonly<Record<string, string>>,
): Record<string, string> {
  const attributes: Record<string, string> = {
    "service.name": app,
    "telemetry.sdk.name": "tusk",
  };
  for (const [variable, key] of ENV_TAGS) {
    const value = readEnv(variable, env);
    if (value !== undefined) attributes[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) attributes[key] = value;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) out[wellFormed(key)] = wellFormed(value);
  return out;
}
