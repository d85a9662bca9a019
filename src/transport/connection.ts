import {
  type ClickHouseClient,
  ClickHouseLogLevel,
  createClient,
  type ErrorLogParams,
  type Logger,
  type WarnLogParams,
} from "@clickhouse/client-web";
import { TuskClickHouseError, TuskError } from "../errors.ts";
import { originalConsole } from "../runtime/original_console.ts";
import { classifyError, type ResponseFacts } from "./classify_error.ts";
import { gzipRequests } from "./gzip_requests.ts";
import { parseErrorText } from "./parse_error_text.ts";
import { timeoutRequests } from "./timeout_requests.ts";

// client-web's own timer counts time the event loop was blocked, so it is kept out of the way: the
// longest delay every runtime's setTimeout takes (a longer one fires at once).
const NO_TIMEOUT_MS = 2 ** 31 - 1;
// client-web warns about any request_timeout over a minute; this one is Tusk's own choice above,
// not the user's, so that warning (and only it) is not passed on.
const OWN_TIMEOUT_WARNING = /^request_timeout is set to /;

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
  /**
   * Where the lines `@clickhouse/client-web` logs go (its warnings and errors,
   * as `TuskError`s; lower levels are dropped): it never prints them itself.
   *
   * @default printed with the console as it was when Tusk loaded
   */
  report?: (error: Error) => void;
}

/** Settings sent with a request; values as ClickHouse takes them. */
export type Settings = Record<string, string | number | boolean>;

/**
 * What the writers and readers need of ClickHouse: one {@linkcode Connection},
 * or `Endpoints` over several servers (failover, shards).
 */
export interface ClickHouseLink {
  /**
   * Inserts rows given as JSONEachRow text; see {@linkcode Connection.insert}.
   * `key` names the batch: every attempt of one batch carries the same.
   */
  insert(
    table: string,
    rows: string | readonly string[],
    action: string,
    settings?: Settings,
    signal?: AbortSignal,
    key?: string,
  ): Promise<void>;
  /** Runs a query and returns its rows; see {@linkcode Connection.select}. */
  select<T>(sql: string, action: string, check?: (rows: T[]) => void): Promise<T[]>;
  /** Runs a statement whose answer is not read (DDL); see {@linkcode Connection.command}. */
  command(sql: string, action: string): Promise<void>;
  /**
   * When a batch that failed may be tried again if it must wait for a shard
   * that is down (epoch milliseconds); `undefined` when it need not wait.
   */
  heldUntil?(key: string): number | undefined;
}

/**
 * One ClickHouse server over HTTP, on `@clickhouse/client-web`: inserts of
 * ready JSONEachRow text and small queries, every failure classified into a
 * {@linkcode TuskClickHouseError}.
 */
export class Connection implements ClickHouseLink {
  /** The server's base URL, without credentials. */
  readonly url: string;
  readonly #client: ClickHouseClient;
  readonly #failures = new Map<string, Failure>();
  readonly #send: typeof fetch;

  /**
   * Creates the connection; nothing is sent until the first request.
   *
   * @param options Where and how to connect.
   */
  constructor(options: ConnectionOptions) {
    const base = options.fetch ?? ((input, init) => fetch(input, init));
    const send = recordFailures(timeoutRequests(base, options.requestTimeoutMs), this.#failures);
    this.url = options.url;
    this.#send = send;
    this.#client = createClient({
      url: options.url,
      username: options.user,
      password: options.password,
      database: options.database,
      request_timeout: NO_TIMEOUT_MS,
      compression: { request: false, response: false },
      keep_alive: { enabled: false },
      log: {
        LoggerClass: reportingLogger(options.report ?? printReport),
        level: ClickHouseLogLevel.WARN,
      },
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
   * Asks the server's `/ping` whether it is up (no credentials needed), within
   * the request timeout.
   *
   * @param action The error message's action.
   * @throws {TuskClickHouseError} When it does not answer `Ok.`.
   */
  async ping(action: string): Promise<void> {
    let response: Response;
    try {
      response = await this.#send(`${this.url}/ping`, { method: "GET" });
    } catch (error) {
      throw classifyError(action, error, undefined);
    }
    const text = await response.text().catch(() => "");
    if (response.ok && text.startsWith("Ok.")) return;
    throw classifyError(action, new Error(text.trim().slice(0, 200) || `HTTP ${response.status}`), {
      status: response.ok ? 502 : response.status,
    });
  }

  /**
   * Runs a query and returns its rows, parsed from JSONEachRow.
   *
   * @param sql The query, without a FORMAT clause.
   * @param action The error message's action.
   * @param check Throws a `TuskClickHouseError` for rows that are this
   * server's failure, such as no columns for a table it lacks (with several
   * endpoints, the next one is then asked, as for the server's own error).
   * @throws {TuskClickHouseError} When the query fails, or `check` throws.
   */
  async select<T>(sql: string, action: string, check?: (rows: T[]) => void): Promise<T[]> {
    const queryId = crypto.randomUUID();
    let rows: T[];
    try {
      const result = await this.#client.query({
        query: sql,
        format: "JSONEachRow",
        query_id: queryId,
      });
      rows = await result.json<T>();
    } catch (error) {
      throw this.#classify(action, error, queryId);
    }
    check?.(rows);
    return rows;
  }

  /**
   * Runs a statement whose answer is not read, such as DDL: an `ON CLUSTER`
   * statement answers with a status row per node, in whatever format the
   * server chooses (18.16 writes TabSeparated), and a node's failure comes as
   * an HTTP error.
   *
   * @param sql The statement.
   * @param action The error message's action.
   * @throws {TuskClickHouseError} When the server refuses it.
   */
  async command(sql: string, action: string): Promise<void> {
    const queryId = crypto.randomUUID();
    try {
      await this.#client.command({ query: sql, query_id: queryId });
    } catch (error) {
      throw this.#classify(action, error, queryId);
    }
  }

  #classify(action: string, error: unknown, queryId: string): TuskClickHouseError {
    const facts = this.#failures.get(queryId);
    this.#failures.delete(queryId);
    const classified = classifyError(action, error, facts, queryId);
    return facts?.body === undefined ? classified : withBody(classified, facts.body);
  }
}

/** A failed response's facts, and the full body of one that was not a ClickHouse exception. */
type Failure = ResponseFacts & { body?: string };

// client-web turns an error response into an Error holding only the body; the
// status and exception header are kept here, by query id, for classifyError.
function recordFailures(base: typeof fetch, failures: Map<string, Failure>): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    const exceptionCode = response.headers.get("x-clickhouse-exception-code");
    if (response.ok && exceptionCode === null) return response;
    const url = input instanceof Request ? input.url : String(input);
    const queryId = new URL(url).searchParams.get("query_id");
    if (queryId === null) return response;
    const failure: Failure = {
      status: response.status,
      exceptionCode,
      retryAfter: response.headers.get("retry-after"),
    };
    failures.set(queryId, failure);
    // ClickHouse's own errors name themselves in the header (modern servers) or in the body (18.x).
    if (exceptionCode !== null || response.status < 400) return response;
    return await summedUp(response, failure);
  };
}

// A body that is not a ClickHouse exception (a proxy's HTML page) goes on as its one-line
// summary, the text client-web puts in its error; the whole body is kept for the error's `body`.
async function summedUp(response: Response, failure: Failure): Promise<Response> {
  const text = await response.text();
  const parsed = parseErrorText(text, {
    status: response.status,
    contentType: response.headers.get("content-type"),
  });
  const foreign = parsed.code === undefined;
  if (foreign && text.trim() !== "") failure.body = text;
  const { status, statusText, headers } = response;
  return new Response(foreign ? parsed.message : text, { status, statusText, headers });
}

// The classified error again, with the response's body. Every public field is an own property
// of the error and a field of the details under the same name.
function withBody(error: TuskClickHouseError, body: string): TuskClickHouseError {
  return new TuskClickHouseError({ ...error, cause: error.cause, body });
}

// client-web makes its logger with `new LoggerClass()`: the class closes over where lines go.
function reportingLogger(report: (error: Error) => void): new () => Logger {
  const pass = (level: string, { module, message, err }: WarnLogParams) => {
    if (level === "WARN" && OWN_TIMEOUT_WARNING.test(message)) return;
    const why = err === undefined ? "" : `: ${err.message}`;
    try {
      report(
        new TuskError(`@clickhouse/client-web ${level} [${module}]: ${message}${why}`, {
          cause: err,
        }),
      );
    } catch {
      // A line that cannot be reported must not break the client that logs it.
    }
  };
  return class ReportingLogger implements Logger {
    trace(): void {}
    debug(): void {}
    info(): void {}
    warn(params: WarnLogParams): void {
      pass("WARN", params);
    }
    error(params: ErrorLogParams): void {
      pass("ERROR", params);
    }
  };
}

function printReport(error: Error): void {
  originalConsole.error(`[tusk] ${error.message}`);
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
