import { type ClickHouseClient, ClickHouseLogLevel, createClient } from "@clickhouse/client-web";
import type { TuskClickHouseError } from "../errors.ts";
import { classifyError, type ResponseFacts } from "./classify_error.ts";
import { gzipRequests } from "./gzip_requests.ts";
import { timeoutRequests } from "./timeout_requests.ts";

// client-web's own timer counts time the event loop was blocked, so it is kept out of the way: the
// longest delay every runtime's setTimeout takes (a longer one fires at once). Its warning about
// a timeout that long (client-web's WARN messages are all about its config) is not logged.
const NO_TIMEOUT_MS = 2 ** 31 - 1;

/** How to reach one ClickHouse server. Credentials never enter the URL. */
export interface ConnectionOptions {
  /** Base URL without credentials, e.g. `http://localhost:8123`. */
  url: string;
  /** User name, sent in the `Authorization` header. */
  user: string;
  /** Password, sent in the `Authorization` header. */
  password: string;
  /** Default database for requests. */
  database: string;
  /**
   * Per-request timeout in milliseconds, from the request until its answer is
   * read, counting only time the event loop was free to read it.
   */
  requestTimeoutMs: number;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
  /** `"gzip"`: request bodies of 1 KiB and more go out gzipped. */
  compression?: "none" | "gzip";
}

/** Settings sent with a request; values as ClickHouse takes them. */
export type Settings = Record<string, string | number | boolean>;

/**
 * One ClickHouse server over HTTP, on `@clickhouse/client-web`: inserts of
 * ready JSONEachRow text and small queries, every failure classified into a
 * {@linkcode TuskClickHouseError}.
 */
export class Connection {
  readonly #client: ClickHouseClient;
  readonly #failures = new Map<string, ResponseFacts>();

  /**
   * Creates the connection; nothing is sent until the first request.
   *
   * @param options Where and how to connect.
   */
  constructor(options: ConnectionOptions) {
    const base = options.fetch ?? ((input, init) => fetch(input, init));
    const send = recordFailures(timeoutRequests(base, options.requestTimeoutMs), this.#failures);
    this.#client = createClient({
      url: options.url,
      username: options.user,
      password: options.password,
      database: options.database,
      request_timeout: NO_TIMEOUT_MS,
      compression: { request: false, response: false },
      keep_alive: { enabled: false },
      log: { level: ClickHouseLogLevel.ERROR },
      fetch: options.compression === "gzip" ? gzipRequests(send) : send,
    });
  }

  /**
   * Inserts rows given as JSONEachRow text (one JSON object per line).
   *
   * @param table The quoted table name, e.g. `` `db`.`cpu` ``.
   * @param rows The rows, each ending with a newline, as one string or as
   * pieces to concatenate (joined once, together with the statement).
   * @param action The error message's action, e.g. `Cannot insert into "db.cpu"`.
   * @param settings Settings for this insert.
   * @param signal Aborts the request (a closing client).
   * @throws {TuskClickHouseError} When the insert fails.
   */
  async insert(
    table: string,
    rows: string | readonly string[],
    action: string,
    settings?: Settings,
    signal?: AbortSignal,
  ): Promise<void> {
    const queryId = crypto.randomUUID();
    try {
      const result = await this.#client.exec({
        // client-web's web connection sends the query as the request body; one
        // join makes it a flat string, which its trim() then does not copy again.
        query: [`INSERT INTO ${table} FORMAT JSONEachRow\n`, ...pieces(rows)].join(""),
        clickhouse_settings: settings,
        query_id: queryId,
        ...(signal === undefined ? {} : { abort_signal: signal }),
      });
      await drain(result.stream);
    } catch (error) {
      throw this.#classify(action, error, queryId);
    }
  }

  /**
   * Runs a query and returns its rows, parsed from JSONEachRow.
   *
   * @param sql The query, without a FORMAT clause.
   * @param action The error message's action.
   * @throws {TuskClickHouseError} When the query fails.
   */
  async select<T>(sql: string, action: string): Promise<T[]> {
    const queryId = crypto.randomUUID();
    try {
      const result = await this.#client.query({
        query: sql,
        format: "JSONEachRow",
        query_id: queryId,
      });
      return await result.json<T>();
    } catch (error) {
      throw this.#classify(action, error, queryId);
    }
  }

  #classify(action: string, error: unknown, queryId: string): TuskClickHouseError {
    const facts = this.#failures.get(queryId);
    this.#failures.delete(queryId);
    return classifyError(action, error, facts, queryId);
  }
}

// client-web turns an error response into an Error holding only the body; the
// status and exception header are kept here, by query id, for classifyError.
function recordFailures(base: typeof fetch, failures: Map<string, ResponseFacts>): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    if (!response.ok || response.headers.has("x-clickhouse-exception-code")) {
      const url = input instanceof Request ? input.url : String(input);
      const queryId = new URL(url).searchParams.get("query_id");
      if (queryId !== null) {
        failures.set(queryId, {
          status: response.status,
          exceptionCode: response.headers.get("x-clickhouse-exception-code"),
          retryAfter: response.headers.get("retry-after"),
        });
      }
    }
    return response;
  };
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<void> {
  const reader = stream.getReader();
  try {
    while (!(await reader.read()).done) { /* the insert's response is empty */ }
  } finally {
    reader.releaseLock();
  }
}

function pieces(rows: string | readonly string[]): readonly string[] {
  return typeof rows === "string" ? [rows] : rows;
}
