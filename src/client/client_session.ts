import type { InsertSettings } from "../batching/writer_host.ts";
import { TuskError } from "../errors.ts";
import { readEnv } from "../runtime/env.ts";
import { Endpoints } from "../transport/endpoints.ts";
import { fetchServerInfo, type ServerInfo, supportedSettings } from "../transport/server_info.ts";
import type { ResolvedOptions } from "./options.ts";

const DEDUPLICATION_TOKEN = "insert_deduplication_token";

/**
 * One configuration of a client and what was learnt from its server: the
 * connection, the settings the server knows, the env-tag values. `init()`
 * makes a new session when the server, user or row filling change, and keeps
 * the session (and so every schema read) when a Worker calls it again with
 * the same options.
 */
export class ClientSession {
  /** The client's options: replaced by an `init()` that keeps the session ({@linkcode fits}). */
  options: ResolvedOptions;
  /** The servers: one endpoint, several with the same data, or shards. */
  readonly connection: Endpoints;
  #server: Promise<ServerInfo> | undefined;
  #info: ServerInfo | undefined;
  #reported = false;
  readonly #report: (error: Error) => void;
  readonly #shareReads: () => boolean;

  /**
   * @param options Resolved options of `init()`.
   * @param report Where the session's problems go.
   * @param shareReads Whether a read under way may be awaited by another
   * caller (not in Workers, where the request that started it may be gone).
   */
  constructor(
    options: ResolvedOptions,
    report: (error: Error) => void,
    shareReads: () => boolean,
  ) {
    this.options = options;
    this.#report = report;
    this.#shareReads = shareReads;
    this.connection = new Endpoints({
      shards: options.shards,
      loadBalancing: options.loadBalancing,
      connection: {
        user: options.user,
        password: options.password,
        database: options.database,
        requestTimeoutMs: options.requestTimeoutMs,
        fetch: options.fetch,
        compression: options.compression,
        report,
      },
      now: options.clock === undefined ? Date.now : () => options.clock!.now(),
      shareProbes: shareReads,
    });
  }

  /**
   * Whether `next` reaches the same server as the same user and fills rows
   * the same way, so this session (and what it learnt) still holds.
   */
  fits(next: ResolvedOptions): boolean {
    const a = this.options;
    return sameShards(a.shards, next.shards) && a.loadBalancing === next.loadBalancing &&
      a.user === next.user && a.password === next.password &&
      a.database === next.database && a.requestTimeoutMs === next.requestTimeoutMs &&
      a.fetch === next.fetch && a.compression === next.compression &&
      a.envTags === next.envTags && sameRecord(a.env, next.env) &&
      sameRecord(a.clickhouseSettings, next.clickhouseSettings);
  }

  /**
   * The user's settings the server knows, and whether it takes deduplication
   * tokens; the server is asked once per session.
   *
   * @throws {TuskClickHouseError} When the server cannot be asked.
   */
  async insertSettings(): Promise<InsertSettings> {
    const wanted = this.options.clickhouseSettings;
    const info = this.#info ?? await this.#serverInfo(wanted);
    const deduplicationTokens = info.knownSettings.has(DEDUPLICATION_TOKEN) &&
      !(DEDUPLICATION_TOKEN in wanted);
    const { settings, unsupported } = supportedSettings(wanted, info);
    if (unsupported.length > 0 && !this.#reported) {
      this.#reported = true;
      this.#report(
        new TuskError(
          `Cannot use settings ${
            unsupported.map((s) => `"${s}"`).join(", ")
          }: server ${info.version} does not know them; they are not sent`,
        ),
      );
    }
    return { settings, deduplicationTokens };
  }

  /**
   * The server's `version()`, asked once per session (with the settings).
   *
   * @throws {TuskClickHouseError} When the server cannot be asked.
   */
  async serverVersion(): Promise<string> {
    const info = this.#info ?? await this.#serverInfo(this.options.clickhouseSettings);
    return info.version;
  }

  /**
   * Env-tag values for `String` columns rows leave out.
   *
   * @param columns The table's `String` columns.
   * @returns The values found, by column.
   */
  columnDefaults(columns: readonly string[]): Record<string, string> {
    const { envTags, env } = this.options;
    const defaults: Record<string, string> = {};
    if (envTags === "off") return defaults;
    for (const column of columns) {
      const value = readEnv((envTags === "prefixed" ? "TUSK_" : "") + column.toUpperCase(), env);
      if (value !== undefined) defaults[column] = value;
    }
    return defaults;
  }

  #serverInfo(wanted: Record<string, unknown>): Promise<ServerInfo> {
    if (this.#server !== undefined) return this.#server;
    const asked = [...new Set([...Object.keys(wanted), DEDUPLICATION_TOKEN])];
    const reading = fetchServerInfo(this.connection, asked).then((info) => {
      this.#info = info;
      return info;
    }).finally(() => {
      if (this.#server === reading) this.#server = undefined;
    });
    if (this.#shareReads()) this.#server = reading;
    return reading;
  }
}

function sameShards(a: readonly string[][], b: readonly string[][]): boolean {
  return a.length === b.length &&
    a.every((urls, i) => urls.length === b[i]!.length && urls.every((u, j) => u === b[i]![j]));
}

function sameRecord(
  a: Readonly<Record<string, unknown>> | undefined,
  b: Readonly<Record<string, unknown>> | undefined,
): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.is(a[key], b[key]));
}
