// Several fake ClickHouse servers behind one `fetch`, told apart by host, for the tests of
// endpoints, failover and shards: each answers as it is told (`answer(host, how)`), and every
// request is recorded with its host, path, body and deduplication token, so a test can check what
// each server received.
import { Connection } from "../../src/transport/connection.ts";

/**
 * How a server answers: `"ok"`; `"refused"` (no connection, as Node reports it); `"reset"` (the
 * connection dropped after the request went out); `"timeout"` (never answers); `"unavailable"`
 * (HTTP 503); `"read_only"` (code 242 in 18.16's words); `"bad_row"` (code 27); `"auth"` (516);
 * `"no_table"` (60).
 */
export type Answer =
  | "ok"
  | "refused"
  | "reset"
  | "timeout"
  | "unavailable"
  | "read_only"
  | "bad_row"
  | "auth"
  | "no_table";

/** One request as a server received it. */
export interface Received {
  /** `a.invalid`, ... */
  host: string;
  method: string;
  /** `/` or `/ping`. */
  path: string;
  body: string;
  /** Its `insert_deduplication_token` setting, if any. */
  token: string | null;
}

export const TABLE = "`db`.`t`";
export const ACTION = 'Cannot insert into "db.t"';
/** The request timeout of the connections made here. */
export const TIMEOUT_MS = 60;

/** Base URL of the fake server named `host`. */
export const urlOf = (host: string): string => `http://${host}:8123`;

export class FakeServers {
  /** Every request, in order. */
  readonly received: Received[] = [];
  readonly #answers = new Map<string, Answer>();
  readonly #pings = new Map<string, Answer>();

  /** How `host` answers from now on (its `/ping` too, unless `ping` says otherwise). */
  answer(host: string, how: Answer, ping?: Answer): void {
    this.#answers.set(host, how);
    if (ping === undefined) this.#pings.delete(host);
    else this.#pings.set(host, ping);
  }

  /** Inserts `host` received (all hosts when left out). */
  inserts(host?: string): Received[] {
    return this.received.filter((r) =>
      r.body.startsWith("INSERT") && (host === undefined || r.host === host)
    );
  }

  /** `/ping`s `host` received (all hosts when left out). */
  pings(host?: string): Received[] {
    return this.received.filter((r) =>
      r.path === "/ping" && (host === undefined || r.host === host)
    );
  }

  /** Hosts of the inserts, in order. */
  insertHosts(): string[] {
    return this.inserts().map((r) => r.host);
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = await request.text();
    this.received.push({
      host: url.hostname,
      method: request.method,
      path: url.pathname,
      body,
      token: url.searchParams.get("insert_deduplication_token"),
    });
    const ping = url.pathname === "/ping";
    const how = (ping ? this.#pings.get(url.hostname) : undefined) ??
      this.#answers.get(url.hostname) ?? "ok";
    return await respond(how, ping, init?.signal ?? undefined);
  };

  /** A connection to `host` through this fetch. */
  connection(host: string, requestTimeoutMs = TIMEOUT_MS): Connection {
    return new Connection({ ...connectionOptions(this, requestTimeoutMs), url: urlOf(host) });
  }
}

/** What every connection here is given, but its URL. */
export function connectionOptions(servers: FakeServers, requestTimeoutMs = TIMEOUT_MS) {
  return {
    user: "default",
    password: "",
    database: "db",
    requestTimeoutMs,
    fetch: servers.fetch,
    report: () => {},
  };
}

const modern = (code: number, text: string, name: string) =>
  `Code: ${code}. DB::Exception: ${text}. (${name}) (version 26.7.2.1)\n`;

function respond(how: Answer, ping: boolean, signal: AbortSignal | undefined): Promise<Response> {
  const error = (body: string, status: number, code?: number) =>
    Promise.resolve(
      new Response(body, {
        status,
        headers: code === undefined ? {} : { "x-clickhouse-exception-code": String(code) },
      }),
    );
  switch (how) {
    case "ok":
      return Promise.resolve(new Response(ping ? "Ok.\n" : ""));
    case "refused":
      return Promise.reject(
        new TypeError("fetch failed", { cause: { code: "ECONNREFUSED", message: "connect" } }),
      );
    case "reset":
      return Promise.reject(
        new TypeError("fetch failed", {
          cause: { code: "ECONNRESET", message: "read ECONNRESET" },
        }),
      );
    case "timeout":
      return new Promise((_, reject) => {
        // A real socket waiting for an answer keeps the event loop alive (the request's own
        // deadline timer does not); this timer stands for it.
        const socket = setTimeout(() => {}, 60_000);
        signal?.addEventListener("abort", () => {
          clearTimeout(socket);
          reject(signal.reason);
        }, { once: true });
      });
    case "unavailable":
      return error("Service Unavailable\n", 503);
    case "read_only":
      return error(
        "Code: 242, e.displayText() = DB::Exception: Table is in readonly mode, " +
          "e.what() = DB::Exception\n",
        500,
      );
    case "bad_row":
      return error(
        modern(27, "Cannot parse input: expected '\"' before: 'bad'", "CANNOT_PARSE_INPUT"),
        400,
        27,
      );
    case "auth":
      return error(
        modern(516, "default: Authentication failed", "AUTHENTICATION_FAILED"),
        401,
        516,
      );
    case "no_table":
      return error(modern(60, "Table db.t does not exist", "UNKNOWN_TABLE"), 404, 60);
  }
}

/** A settable clock for `now`. */
export function manualClock(start = Date.UTC(2026, 0, 1)) {
  const clock = {
    ms: start,
    now: () => clock.ms,
  };
  return clock;
}

/** The promise's rejection reason; fails when it resolves. */
export function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

/** Calls `fn` with `Math.random` returning `value`. */
export async function withRandom<T>(value: number, fn: () => T | Promise<T>): Promise<T> {
  const real = Math.random;
  Math.random = () => value;
  try {
    return await fn();
  } finally {
    Math.random = real;
  }
}
