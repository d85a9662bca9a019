import type { ClickHouseLink, Settings } from "./connection.ts";
import { quoteString } from "./quote.ts";

/** What Tusk needs to know about a server before sending it settings. */
export interface ServerInfo {
  /** `version()`, e.g. `18.16.1` or `26.7.2.1`. */
  version: string;
  /** The names, among those asked about, of the settings this server knows. */
  knownSettings: ReadonlySet<string>;
}

/**
 * Asks the server for its version and which of `settingNames` it knows, so
 * that no request ever carries a setting the server would reject.
 *
 * @param connection The server.
 * @param settingNames The settings Tusk may send.
 * @returns The version and the known subset.
 * @throws {TuskClickHouseError} When the server cannot be asked.
 */
export async function fetchServerInfo(
  connection: Pick<ClickHouseLink, "select">,
  settingNames: readonly string[],
): Promise<ServerInfo> {
  const action = "Cannot read the server's version";
  const [row] = await connection.select<{ version: string }>("SELECT version() AS version", action);
  const known = new Set<string>();
  if (settingNames.length > 0) {
    const list = settingNames.map(quoteString).join(", ");
    const rows = await connection.select<{ name: string }>(
      `SELECT name FROM system.settings WHERE name IN (${list})`,
      action,
    );
    for (const { name } of rows) known.add(name);
  }
  return { version: row?.version ?? "unknown", knownSettings: known };
}

/**
 * Keeps the settings the server knows and lists the others.
 *
 * @param settings The settings wanted.
 * @param info The server's facts.
 * @returns The settings to send and the names left out.
 */
export function supportedSettings(
  settings: Settings,
  info: ServerInfo,
): { settings: Settings; unsupported: string[] } {
  const kept: Settings = {};
  const unsupported: string[] = [];
  for (const [name, value] of Object.entries(settings)) {
    if (info.knownSettings.has(name)) kept[name] = value;
    else unsupported.push(name);
  }
  return { settings: kept, unsupported };
}
