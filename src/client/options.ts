import * as v from "valibot";
import type { BufferLimits } from "../batching/buffer_budget.ts";
import type { Clock } from "../runtime/clock.ts";
import { isCloudflareWorkers } from "../runtime/platform.ts";
import { formatIssues } from "../validation/format_issues.ts";
import { bracketHost } from "../validation/host_problem.ts";
import { redact } from "../validation/redact.ts";
import { host, httpUrl, nonEmpty, port, positiveInt, seconds } from "../validation/schema_parts.ts";

/** When a table's rows are sent when neither `init()` nor the table says: see `BatchingOptions`. */
export const DEFAULT_BATCHING = { period: 60, maxRows: 10_000, maxBytes: 8 * 1024 * 1024 } as const;

/** The first and the longest delay before a failed delivery is tried again, in milliseconds. */
export const RETRY_DELAYS = { baseMs: 1000, maxMs: 60_000 } as const;

/**
 * The client-wide memory cap when `init()` does not set one. A server
 * process: 64 MiB of encoded rows (about a million rows of 70 bytes, several
 * minutes of a busy service while ClickHouse is away), a modest share of any
 * container. A Cloudflare Worker: 16 MiB, an eighth of the isolate's 128 MB,
 * which the application needs too.
 *
 * @returns The limits for this runtime.
 */
export function defaultBuffer(): BufferLimits {
  return isCloudflareWorkers()
    ? { maxRows: 250_000, maxChars: 16 * 1024 * 1024, policy: "drop_oldest" }
    : { maxRows: 1_000_000, maxChars: 64 * 1024 * 1024, policy: "drop_oldest" };
}

const BatchingSchema = v.strictObject({
  period: v.optional(seconds),
  maxRows: v.optional(positiveInt),
  maxBytes: v.optional(positiveInt),
  maxBufferedRows: v.optional(positiveInt),
});

/** When rows are sent, and how many may wait: for `init()`, `metric()`, `counter()`. */
export interface BatchingOptions {
  /**
   * Longest a row waits before its batch is sent, in seconds.
   * @default {60}
   */
  period?: number;
  /**
   * A batch is sent as soon as this many rows are buffered (a batch that
   * backed up while an insert was under way may hold more, up to `maxBytes`).
   * @default {10000}
   */
  maxRows?: number;
  /**
   * A batch is sent as soon as about this many bytes are buffered; no insert
   * carries more.
   * @default {8388608}
   */
  maxBytes?: number;
  /**
   * Most rows held for this table on its own while ClickHouse is slow or
   * away; past it the oldest are dropped, counted in `stats()` and reported.
   * Unset, the client's `buffer` caps all its tables together.
   */
  maxBufferedRows?: number;
}

const BufferSchema = v.strictObject({
  maxRows: v.optional(positiveInt),
  maxBytes: v.optional(positiveInt),
  onFull: v.optional(v.picklist(["drop_oldest", "drop_newest"])),
});

/** How much one client holds in memory while ClickHouse is slow or away, over all its tables. */
export interface BufferOptions {
  /**
   * Most rows held (buffered, waiting for a retry or being sent).
   * @default {1000000, 250000 in Cloudflare Workers}
   */
  maxRows?: number;
  /**
   * Most bytes of encoded rows held (counted as UTF-16 code units of the
   * JSON text; a row waiting for its table's schema counts as 256).
   * @default {67108864, 16777216 in Cloudflare Workers}
   */
  maxBytes?: number;
  /**
   * What a full buffer does with a new row: drop the oldest rows of the table
   * holding the most (`"drop_oldest"`), or the new row (`"drop_newest"`).
   * Heartbeat rows are dropped last either way. Every drop is counted in
   * `stats().dropped.buffer_full` and reported.
   * @default {"drop_oldest"}
   */
  onFull?: "drop_oldest" | "drop_newest";
}

const settingValue = v.union([v.string(), v.number(), v.boolean()]);

const urlList = v.pipe(v.array(httpUrl), v.minLength(1, "expected at least one URL"));

const InitOptionsSchema = v.strictObject({
  url: v.optional(v.union([httpUrl, urlList])),
  loadBalancing: v.optional(v.picklist(["round_robin", "in_order", "random"])),
  shards: v.optional(v.pipe(v.array(urlList), v.minLength(1, "expected at least one shard"))),
  host: v.optional(host),
  port: v.optional(port),
  secure: v.optional(v.boolean()),
  user: v.optional(v.string()),
  password: v.optional(v.string()),
  database: v.optional(nonEmpty),
  clientName: v.optional(nonEmpty),
  env: v.optional(v.record(v.string(), v.unknown())),
  requestTimeout: v.optional(v.pipe(seconds, v.minValue(0.001))),
  closeTimeout: v.optional(seconds),
  flushTimeout: v.optional(seconds),
  clickhouseSettings: v.optional(v.record(v.string(), settingValue)),
  asyncInsert: v.optional(v.boolean()),
  compression: v.optional(v.picklist(["none", "gzip"])),
  flushOnSignals: v.optional(v.boolean()),
  batching: v.optional(BatchingSchema),
  buffer: v.optional(BufferSchema),
  envTags: v.optional(v.picklist(["prefixed", "bare", "off"])),
  onError: v.optional(
    v.custom<(error: Error) => void>((x) => typeof x === "function", "expected a function"),
  ),
  fetch: v.optional(v.custom<typeof fetch>((x) => typeof x === "function", "expected a function")),
  clock: v.optional(
    v.custom<Clock>(
      (x) => typeof x === "object" && x !== null && "now" in x && "setTimeout" in x,
      "expected a Clock (now, setTimeout)",
    ),
  ),
});

/** Options of `init()`. Durations are in seconds. */
export interface InitOptions {
  /**
   * Full base URL (`https://host:8443`); wins over `host`, `port` and `secure`.
   * Credentials in it are moved into headers; an error shows it with the
   * password masked (`http://tester:***@host:8123`).
   *
   * Several URLs: endpoints that hold the same data (the replicas of one
   * shard, or nodes that each have the `Distributed` table). Requests are
   * spread by `loadBalancing`; one that fails for the endpoint's sake (a
   * refused or reset connection, a timeout, a 5xx answer, a read-only
   * replica, too many parts) goes to the next endpoint at once, with the same
   * body and deduplication token, and the failed endpoint rests (1 s, doubling
   * up to 30 s) and answers `/ping` before it is used again.
   */
  url?: string | string[];
  /**
   * How several endpoints share the requests: each in turn (`"round_robin"`),
   * the first one that is up (`"in_order"`), or any (`"random"`).
   * @default {"round_robin"}
   */
  loadBalancing?: "round_robin" | "in_order" | "random";
  /**
   * Direct-to-shard writes: the replicas of each shard (the URLs of the
   * nodes with the shard's local table; name the local table in `metric()`).
   * Every batch goes to one shard, each shard in turn, to one replica of it
   * that is up; a batch whose answer was lost stays with its shard until
   * that shard takes it, while the other shards take the new batches.
   * Instead of `url`.
   */
  shards?: string[][];
  /**
   * Server host name or address (an IPv6 address with or without brackets).
   * @default {"localhost"}
   */
  host?: string;
  /**
   * HTTP port.
   * @default {8123, or 8443 when secure}
   */
  port?: number;
  /**
   * Use HTTPS.
   * @default {false}
   */
  secure?: boolean;
  /**
   * User name.
   * @default {"default"}
   */
  user?: string;
  /**
   * Password; sent only in the `Authorization` header.
   * @default {""}
   */
  password?: string;
  /**
   * Database for tables named without one.
   * @default {"default"}
   */
  database?: string;
  /**
   * The client's name; `init` with the same name replaces that client.
   * @default {"default"}
   */
  clientName?: string;
  /** A record used instead of the process environment (a Worker's `env`). */
  env?: Record<string, unknown>;
  /**
   * Per-request timeout, in seconds.
   * @default {30}
   */
  requestTimeout?: number;
  /**
   * Longest `close()` waits for the last rows to be delivered, in seconds.
   * @default {10}
   */
  closeTimeout?: number;
  /**
   * Longest `flush()` keeps retrying a failure that may pass (a refused
   * connection, a timeout, a 5xx answer), in seconds; a failure that will
   * not pass by itself (authentication, a missing table) rejects at once. A
   * ClickHouse restart takes seconds; 20 s also stays inside the 30 s a
   * Worker's `ctx.waitUntil` allows.
   * @default {20}
   */
  flushTimeout?: number;
  /** ClickHouse settings sent with every insert (those the server does not know are left out). */
  clickhouseSettings?: Record<string, string | number | boolean>;
  /**
   * Insert with `async_insert=1, wait_for_async_insert=1` (servers that have them).
   * @default {false}
   */
  asyncInsert?: boolean;
  /**
   * `"gzip"`: request bodies of 1 KiB and more (inserts) are gzipped with
   * `CompressionStream`. It pays on slow links (a remote server, a Worker
   * calling a cloud service), not on a local network, where gzip costs more
   * time than the bytes it saves.
   * @default {"none"}
   */
  compression?: "none" | "gzip";
  /**
   * On SIGINT or SIGTERM (Deno, Node, Bun), flush this client (bounded by
   * `closeTimeout`). Then, if the program has no listener of its own for that
   * signal, end the process with exit code 128 + the signal's number, as the
   * signal would have; if it has one, leave the exit to it. A second signal
   * during the flush ends the process at once. Tusk's listeners never keep a
   * process alive. In Deno, a listener the program adds with
   * `Deno.addSignalListener` before the first `init()` is not seen. `false`
   * leaves signals alone (no listener while no client asks for one). Never
   * registers anything in Cloudflare Workers.
   * @default {true}
   */
  flushOnSignals?: boolean;
  /** Default batching for every table of this client. */
  batching?: BatchingOptions;
  /** The memory cap of this client, over all its tables. */
  buffer?: BufferOptions;
  /**
   * Where a `String` column a row leaves out takes its value from: the
   * environment variable `TUSK_<COLUMN>` (`"prefixed"`), the bare upper-cased
   * column name as the original library did (`"bare"`), or nowhere (`"off"`).
   * @default {"prefixed"}
   */
  envTags?: "prefixed" | "bare" | "off";
  /** Receives the library's own problems instead of the console; must not throw. */
  onError?: (error: Error) => void;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
  /** Time and timers; tests pass a `FakeClock`. */
  clock?: Clock;
}

/**
 * Validates batching options.
 *
 * @param value What the user gave.
 * @param label How to name it in an error, e.g. `metric "db.cpu": option "batching"`.
 * @returns The options.
 * @throws {TypeError} Naming every bad field.
 */
export function parseBatching(value: unknown, label: string): BatchingOptions {
  const result = v.safeParse(BatchingSchema, value);
  if (result.success) return result.output;
  throw new TypeError(`Cannot use ${label}: ${formatIssues(result.issues, "batching").join("; ")}`);
}

/** `init()`'s options with every default applied and the URL resolved. */
export interface ResolvedOptions {
  /** The first endpoint's URL, without credentials. */
  url: string;
  /** Every endpoint's URL, without credentials, per shard (one shard unless `shards`). */
  shards: string[][];
  loadBalancing: "round_robin" | "in_order" | "random";
  user: string;
  password: string;
  database: string;
  clientName: string;
  env: Readonly<Record<string, unknown>> | undefined;
  requestTimeoutMs: number;
  closeTimeoutMs: number;
  flushTimeoutMs: number;
  clickhouseSettings: Record<string, string | number | boolean>;
  batching: BatchingOptions;
  buffer: BufferLimits;
  envTags: "prefixed" | "bare" | "off";
  onError: ((error: Error) => void) | undefined;
  fetch: typeof fetch | undefined;
  compression: "none" | "gzip";
  clock: Clock | undefined;
}

/**
 * Validates `init()`'s options and applies defaults. Credentials in a URL
 * (`http://user:pass@host`) are moved out of it, into the headers.
 *
 * @param options What the user gave.
 * @returns The resolved options.
 * @throws {TypeError} Naming every bad option and what is wrong with it; a
 * URL is shown with its password masked, the password never.
 */
export function resolveOptions(options: unknown = {}): ResolvedOptions {
  const result = v.safeParse(InitOptionsSchema, options);
  if (!result.success) {
    const message = formatIssues(result.issues, "option").join("; ");
    throw new TypeError(`Cannot initialize Tusk: ${redact(message, secretsOf(options))}`);
  }
  const o: InitOptions = result.output;
  if (o.url !== undefined && o.shards !== undefined) {
    throw new TypeError(
      'Cannot initialize Tusk: give "url" (endpoints with the same data) or "shards" ' +
        "(one list of replicas per shard), not both",
    );
  }
  const secure = o.secure ?? false;
  const hostName = bracketHost(o.host ?? "localhost");
  const portNumber = o.port ?? (secure ? 8443 : 8123);
  const given = o.shards ?? [
    typeof o.url === "string" || o.url === undefined
      ? [o.url ?? `${secure ? "https" : "http"}://${hostName}:${portNumber}`]
      : o.url,
  ];
  const url = new URL(given[0]![0]!);
  const user = o.user ?? (url.username !== "" ? decodeURIComponent(url.username) : "default");
  const password = o.password ?? (url.password !== "" ? decodeURIComponent(url.password) : "");
  const shards = given.map((urls) => urls.map(withoutCredentials));
  const defaults = defaultBuffer();
  const settings = { ...o.clickhouseSettings };
  if (o.asyncInsert) {
    settings.async_insert ??= 1;
    settings.wait_for_async_insert ??= 1;
  }
  return {
    url: shards[0]![0]!,
    shards,
    loadBalancing: o.loadBalancing ?? "round_robin",
    user,
    password,
    database: o.database ?? "default",
    clientName: o.clientName ?? "default",
    env: o.env,
    requestTimeoutMs: (o.requestTimeout ?? 30) * 1000,
    closeTimeoutMs: (o.closeTimeout ?? 10) * 1000,
    flushTimeoutMs: (o.flushTimeout ?? 20) * 1000,
    clickhouseSettings: settings,
    batching: o.batching ?? {},
    buffer: {
      maxRows: o.buffer?.maxRows ?? defaults.maxRows,
      maxChars: o.buffer?.maxBytes ?? defaults.maxChars,
      policy: o.buffer?.onFull ?? defaults.policy,
    },
    envTags: o.envTags ?? "prefixed",
    onError: o.onError,
    fetch: o.fetch,
    compression: o.compression ?? "none",
    clock: o.clock,
  };
}

// A URL as the connection takes it: no credentials (they go in headers), no trailing slash.
function withoutCredentials(text: string): string {
  const url = new URL(text);
  url.username = "";
  url.password = "";
  return url.toString().replace(/\/$/, "");
}

// The password given as an option, shown nowhere even where it was misplaced
// (given as the host, a setting, ...).
function secretsOf(options: unknown): Map<string, string> {
  const password = (options as { password?: unknown } | null)?.password;
  return new Map(typeof password === "string" ? [[password, "***"]] : []);
}
