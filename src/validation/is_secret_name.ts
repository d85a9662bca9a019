// Matches password, passwd, clickhouse_password, secret, api_token, auth,
// credentials, private_key, ...
const SECRET = /pass|secret|token|auth|credential|key$/i;

/**
 * Whether a key (or an environment variable) by this name holds a secret,
 * whose value is never shown in a message.
 *
 * @param name A key, a dotted key path, or a variable name.
 * @returns `true` for `password`, `clickhouse_password`, `CH_PASSWORD`,
 * `api_token`, `secret`, ...
 *
 * @example
 * ```ts
 * import { isSecretName } from "./is_secret_name.ts";
 * isSecretName("logging.clickhouse_password"); // true
 * ```
 */
export function isSecretName(name: string): boolean {
  return SECRET.test(name);
}
