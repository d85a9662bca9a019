import type { ServerFacts } from "./server_facts.ts";

/** What a server's version allows in a `CREATE TABLE`. */
export interface Features {
  /** `DateTime64(3)` (20.1+); else `DateTime`. */
  dateTime64: boolean;
  /** `TTL` (19.6+). */
  ttl: boolean;
  /** `LowCardinality(String)` without settings (19.6+ here, to be safe). */
  lowCardinality: boolean;
}

/**
 * Reads the features from a version string; an unreadable version (or none)
 * is taken for the newest server.
 *
 * @param server The server's facts.
 * @returns The features.
 */
export function featuresOf(server: ServerFacts | undefined): Features {
  const match = /^(\d+)\.(\d+)/.exec(server?.version ?? "");
  if (match === null) return { dateTime64: true, ttl: true, lowCardinality: true };
  const at = Number(match[1]) * 1000 + Number(match[2]);
  return { dateTime64: at >= 20_001, ttl: at >= 19_006, lowCardinality: at >= 19_006 };
}
