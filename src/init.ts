import { clientSlot } from "./client/registry.ts";
import { type InitOptions, resolveOptions } from "./client/options.ts";
import type { TuskClient } from "./client/tusk_client.ts";

/**
 * Creates (or replaces) a named connection to ClickHouse and returns it.
 * Replacing keeps every buffered row. No request is made until rows are sent.
 *
 * @param options Where to connect and how to batch; all optional.
 * @returns The client.
 * @throws {TypeError} Naming each bad option.
 *
 * @example
 * ```ts
 * import * as tusk from "@tusk/clickhouse";
 * tusk.init({ host: "localhost", user: "tester", password: "P@assw0rd" });
 * ```
 */
export function init(options: InitOptions = {}): TuskClient {
  const resolved = resolveOptions(options);
  const client = clientSlot(resolved.clientName);
  client.configure(resolved);
  return client.client;
}
