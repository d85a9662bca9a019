import assert from "node:assert/strict";
import { TuskClickHouseError } from "../../src/errors.ts";
import { Connection } from "../../src/transport/connection.ts";

const TABLE = "`db`.`t`";
const ACTION = 'Cannot insert into "db.t"';
const TIMEOUT_MS = 300;

/**
 * A server that answers only when the test says so, reached through a fetch
 * that behaves as the real one on abort: it rejects, and errors the body.
 */
function heldServer() {
  let requested!: () => void;
  let answer!: (response: Response) => void;
  const state = {
    /** Resolves when the request has gone out. */
    requested: new Promise<void>((resolve) => requested = resolve),
    /** Whether the request was aborted. */
    aborted: false,
    /** The request's signal, as fetch got it. */
    signal: undefined as AbortSignal | null | undefined,
    /** Answers the request. */
    answer: (response: Response) => answer(response),
    fetch: ((_input, init) => {
      state.signal = init?.signal;
      requested();
      return new Promise<Response>((resolve, reject) => {
        answer = resolve;
        init?.signal?.addEventListener("abort", () => {
          state.aborted = true;
          reject(init.signal!.reason ?? new DOMException("aborted", "AbortError"));
        }, { once: true });
      });
    }) as typeof fetch,
  };
  return state;
}

/** A body that sends nothing until `end()`, and errors on abort as fetch's does. */
function heldBody(signal: AbortSignal | null | undefined) {
  let end!: () => void;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      end = () => {
        try {
          controller.close();
        } catch { /* already errored by an abort */ }
      };
      signal?.addEventListener("abort", () => controller.error(signal.reason), { once: true });
    },
  });
  return { body, end: () => end() };
}

function connection(fetchFn: typeof fetch): Connection {
  return new Connection({
    url: "http://ch.invalid:8123",
    user: "default",
    password: "",
    database: "db",
    requestTimeoutMs: TIMEOUT_MS,
    fetch: fetchFn,
  });
}

function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* busy: no timer or I/O callback can run */ }
}

// The loop's next turn: timers that fell due while it was blocked run first.
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The promise's rejection reason, or `undefined` once it resolves. */
function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => undefined, (e: unknown) => e);
}

function isTimeout(error: unknown): true {
  assert.ok(error instanceof TuskClickHouseError, `got ${error}`);
  assert.equal(error.message, `${ACTION}: request timed out`);
  assert.equal(error.kind, "timeout");
  assert.equal(error.retryable, true);
  assert.equal(error.status, 0);
  return true;
}

Deno.test("Connection.insert() succeeds when the loop was busy past requestTimeout before the answer was read", async () => {
  const server = heldServer();
  const inserted = failure(connection(server.fetch).insert(TABLE, '{"n":1}\n', ACTION));
  await server.requested;
  blockEventLoop(3 * TIMEOUT_MS); // the server answered meanwhile; nothing could read it
  await nextTurn();
  server.answer(new Response(""));
  assert.equal(await inserted, undefined);
  assert.equal(server.aborted, false);
});

Deno.test("Connection.insert() reads an answer's body to its end after the loop was busy past requestTimeout", async () => {
  const server = heldServer();
  const inserted = failure(connection(server.fetch).insert(TABLE, '{"n":1}\n', ACTION));
  await server.requested;
  const body = heldBody(server.signal);
  server.answer(new Response(body.body));
  await nextTurn();
  blockEventLoop(3 * TIMEOUT_MS);
  await nextTurn();
  body.end();
  assert.equal(await inserted, undefined);
});

Deno.test("Connection.insert() times out after requestTimeout of free loop time, however long the loop was busy", async () => {
  const server = heldServer();
  const inserted = failure(connection(server.fetch).insert(TABLE, '{"n":1}\n', ACTION));
  await server.requested;
  blockEventLoop(3 * TIMEOUT_MS);
  const freed = performance.now();
  const error = await inserted;
  const free = performance.now() - freed;
  isTimeout(error);
  assert.equal(server.aborted, true, "the request is aborted");
  assert.ok(free >= TIMEOUT_MS / 2, `gave up ${free.toFixed(0)} ms after the loop was free`);
  assert.ok(free < 5 * TIMEOUT_MS, `gave up ${free.toFixed(0)} ms after the loop was free`);
});

Deno.test("Connection.insert() times out when the answer's body never ends", async () => {
  const server = heldServer();
  const inserted = failure(connection(server.fetch).insert(TABLE, '{"n":1}\n', ACTION));
  await server.requested;
  const started = performance.now();
  const body = heldBody(server.signal);
  server.answer(new Response(body.body));
  let guard: ReturnType<typeof setTimeout> | undefined;
  const error = await Promise.race([
    inserted,
    new Promise((resolve) => guard = setTimeout(() => resolve("still waiting"), 10 * TIMEOUT_MS)),
  ]);
  clearTimeout(guard);
  body.end();
  isTimeout(error);
  const took = performance.now() - started;
  assert.ok(took >= TIMEOUT_MS * 0.9, `gave up after ${took.toFixed(0)} ms`);
});

Deno.test("Connection.insert() is aborted by its caller's signal, not reported as a timeout", async () => {
  const server = heldServer();
  const caller = new AbortController();
  const inserted = failure(
    connection(server.fetch).insert(TABLE, '{"n":1}\n', ACTION, undefined, caller.signal),
  );
  await server.requested;
  caller.abort();
  const error = await inserted;
  assert.ok(error instanceof TuskClickHouseError, `got ${error}`);
  assert.equal(error.kind, "network");
  assert.equal(server.aborted, true);
});

// As nginx answers when ClickHouse behind it is down, padded as proxies' pages are (~2,000 chars).
const PROXY_PAGE = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
  "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n" +
  `<!-- ${"a padding to disable MSIE and Chrome friendly error page ".repeat(30)}-->\r\n` +
  "</body>\r\n</html>\r\n";

/** A fetch answering every request with `body`, `status` and `headers`. */
function answering(body: string, status: number, headers: Record<string, string>): typeof fetch {
  return (() => Promise.resolve(new Response(body, { status, headers }))) as typeof fetch;
}

Deno.test("Connection.insert() reports a proxy's HTML error page in one line, the page on error.body", async () => {
  const fetchFn = answering(PROXY_PAGE, 502, { "content-type": "text/html; charset=utf-8" });
  const error = await failure(connection(fetchFn).insert(TABLE, '{"n":1}\n', ACTION));
  assert.ok(error instanceof TuskClickHouseError, `got ${error}`);
  assert.equal(error.message, `${ACTION}: HTTP 502 (text/html): 502 Bad Gateway`);
  assert.equal(error.body, PROXY_PAGE);
  assert.equal(error.status, 502);
  assert.equal(error.kind, "server");
  assert.equal(error.retryable, true);
  assert.equal(error.code, undefined);
  assert.ok(error.queryId !== undefined);
  const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
  assert.ok(!cause.includes("<html>"), `the cause holds the page: ${cause}`);
});

Deno.test("Connection.select() reads ClickHouse's error texts as before, with no body kept", async (t) => {
  await t.step("18.16's text, sent without an exception header", async () => {
    const text = "Code: 60, e.displayText() = DB::Exception: Table db.t doesn't exist., " +
      "e.what() = DB::Exception\n";
    const fetchFn = answering(text, 404, { "content-type": "text/plain; charset=UTF-8" });
    const error = await failure(connection(fetchFn).select("SELECT 1", ACTION));
    assert.ok(error instanceof TuskClickHouseError, `got ${error}`);
    assert.equal(error.message, `${ACTION}: Table db.t doesn't exist.`);
    assert.equal(error.code, 60);
    assert.equal(error.kind, "schema");
    assert.equal(error.body, undefined);
  });
  await t.step("the modern text, with its exception header", async () => {
    const text = "Code: 60. DB::Exception: Table db.t does not exist. (UNKNOWN_TABLE) " +
      "(version 26.7.2.1)\n";
    const fetchFn = answering(text, 404, {
      "content-type": "text/plain; charset=UTF-8",
      "x-clickhouse-exception-code": "60",
    });
    const error = await failure(connection(fetchFn).select("SELECT 1", ACTION));
    assert.ok(error instanceof TuskClickHouseError, `got ${error}`);
    assert.equal(error.message, `${ACTION}: Table db.t does not exist.`);
    assert.equal(error.code, 60);
    assert.equal(error.body, undefined);
  });
});

Deno.test("Connection hands @clickhouse/client-web's warnings to report, never to the console", () => {
  const reported: Error[] = [];
  const printed: unknown[][] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => printed.push(args);
  try {
    // client-web reads a URL's path as a database and warns that it overrides the option.
    new Connection({
      url: "http://ch.invalid:8123/some/path",
      user: "default",
      password: "",
      database: "db",
      requestTimeoutMs: TIMEOUT_MS,
      fetch: answering("", 200, {}),
      report: (error) => reported.push(error),
    });
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(printed, []);
  assert.deepEqual(reported.map((e) => e.message), [
    '@clickhouse/client-web WARN [Config]: "database" is overridden by a URL parameter.',
  ]);
});
