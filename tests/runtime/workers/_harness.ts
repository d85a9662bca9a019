// The example Worker, wrapped with test-only routes, bundled and run in workerd by
// worker.test.mjs. Nothing here changes how the example handles requests.
import worker, { type Env } from "../../../examples/worker/worker.ts";
import * as tusk from "@tusk/clickhouse";
import { counter } from "@tusk/clickhouse/counter";
import * as logging from "@tusk/clickhouse/logging";
import { getClickHouseSink } from "@tusk/clickhouse/logtape";
import { configure, drain, getLogger, getTextFormatter, type LogRecord } from "@logtape/logtape";

// Made at the top of the module, where Workers forbid timers, random values and abort
// controllers: if making them did any of that, the Worker would not start at all.
const moduleScope = {
  requests: tusk.metric({ table: "requests", clientName: "module_scope" }),
  hits: counter({ table: "hits", clientName: "module_scope" }),
};

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

// Every INSERT's URL query string (the settings), to show which reached ClickHouse, and how
// many requests went out gzipped.
const inserts: string[] = [];
let gzipped = 0;
const clients = new Set<unknown>();
const realFetch = globalThis.fetch;
globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const body = init?.body;
  if (typeof body === "string" && /^INSERT\b/i.test(body)) inserts.push(url.search);
  if (new Headers(init?.headers).get("content-encoding") === "gzip") gzipped++;
  return realFetch(input, init);
};

// A client of the Worker's server, beside the example's own.
function initClient(env: Env, options: tusk.InitOptions): void {
  tusk.init({
    url: env.CLICKHOUSE_URL,
    user: env.CLICKHOUSE_USER,
    password: env.CLICKHOUSE_PASSWORD,
    database: env.CLICKHOUSE_DATABASE ?? "default",
    ...options,
  });
}

function json(value: unknown): Response {
  return new Response(JSON.stringify(value), { headers: { "content-type": "application/json" } });
}

// Routes of no_wait_until.test.mjs (a fresh isolate per scenario). `/__nwu/step` writes `rows`
// rows into `db`'s `requests` table (kind=metric) or logs them with console.log (kind=log) through
// client `client`, then ends as `then` says: "return" (no flush, no waitUntil), "throw",
// "wait_until" (ctx.waitUntil(tusk.flush())), "await" (await tusk.flush()), or "fire_and_forget"
// (tusk.flush() neither awaited nor given to waitUntil). `logging=1` calls logging.init first.
async function noWaitUntilStep(url: URL, env: Env, ctx: ExecutionContext): Promise<Response> {
  const q = (name: string) => url.searchParams.get(name) ?? "";
  const clientName = q("client");
  const db = q("db");
  initClient(env, { clientName, database: db });
  if (q("logging") === "1") {
    logging.init({ table: `${db}.logs`, appName: "nwu", clientName });
  }
  const tag = q("tag");
  const rows = Number(q("rows") || "1");
  const requests = tusk.metric({ table: `${db}.requests`, clientName });
  for (let i = 0; i < rows; i++) {
    if (q("kind") === "log") console.log(`${tag} ${i}`);
    else requests.write({ path: tag, method: "NWU", status: i });
  }
  switch (q("then")) {
    case "return":
      return new Response("ok\n");
    case "throw":
      throw new Error(`${tag}: the handler failed after writing`);
    case "wait_until":
      ctx.waitUntil(tusk.flush());
      return new Response("ok\n");
    case "await":
      try {
        await tusk.flush();
        return json({ flushed: true });
      } catch (error) {
        return json({ flushed: false, error: String(error) });
      }
    case "fire_and_forget":
      tusk.flush();
      return new Response("ok\n");
    default:
      return new Response(`unknown then="${q("then")}"\n`, { status: 400 });
  }
}

// Probes of how workerd treats a promise made in one request and awaited in another, without
// the library: `/__nwu/probe/start?what=...` makes one and keeps it in `probe`;
// `/__nwu/probe/await?race=ms` awaits it (against a timer of this request when race > 0).
// what: "fetch" (a fetch of the engine, `sql` or `SELECT sleep(1)`, left running),
// "fetch_wait_until" (the same fetch given to ctx.waitUntil), "response_wait_until" (its Response,
// given to ctx.waitUntil, whose body the awaiting request reads), "timer" (a 300 ms setTimeout left
// running), "deferred" (a promise resolved by the awaiting request).
let probe: { promise: Promise<unknown>; resolve?: (value: unknown) => void } | undefined;

async function probeRoute(url: URL, env: Env, ctx: ExecutionContext): Promise<Response> {
  const what = url.searchParams.get("what");
  if (url.pathname === "/__nwu/probe/start") {
    if (what === "timer") {
      probe = { promise: new Promise((r) => setTimeout(() => r("the timer fired"), 300)) };
    } else if (what === "deferred") {
      let resolve!: (value: unknown) => void;
      const promise = new Promise((r) => (resolve = r));
      probe = { promise, resolve };
    } else {
      const auth = btoa(`${env.CLICKHOUSE_USER}:${env.CLICKHOUSE_PASSWORD}`);
      const response = fetch(`${env.CLICKHOUSE_URL}/`, {
        method: "POST",
        headers: { Authorization: `Basic ${auth}` },
        body: url.searchParams.get("sql") ?? "SELECT sleep(1)",
      });
      const promise = what === "response_wait_until"
        ? response
        : response.then(async (res) => `HTTP ${res.status} ${(await res.text()).trim()}`);
      probe = { promise };
      if (what !== "fetch") ctx.waitUntil(promise);
    }
    return new Response("started\n");
  }
  const started = Date.now();
  const race = Number(url.searchParams.get("race") ?? "0");
  probe!.resolve?.("resolved by the awaiting request");
  type Outcome = { outcome: string; value?: unknown; error?: string };
  const rejected = (error: unknown): Outcome => ({ outcome: "rejected", error: String(error) });
  const waiting: Promise<Outcome>[] = [probe!.promise.then<Outcome, Outcome>(
    (value) =>
      value instanceof Response // its body is read here, in the awaiting request
        ? value.text().then((text) => ({ outcome: "resolved", value: text.trim() }), rejected)
        : { outcome: "resolved", value },
    rejected,
  )];
  if (race > 0) {
    waiting.push(new Promise((r) => setTimeout(() => r({ outcome: "timer" }), race)));
  }
  const result = await Promise.race(waiting);
  return json({ ...result, ms: Date.now() - started });
}

// Route of logtape.test.mjs: LogTape configured once per isolate with the ClickHouse sink (client
// "logtape", table `logtape` of the bound database); each request logs three records tagged
// `tag`, answers with the messages LogTape's own text formatter makes of them in this runtime,
// and hands `dispose()` to ctx.waitUntil, as the sink's documentation says.
let logtapeReady: Promise<void> | undefined;
const logtapeSeen: LogRecord[] = [];

async function logtapeRoute(url: URL, env: Env, ctx: ExecutionContext): Promise<Response> {
  initClient(env, { clientName: "logtape" });
  logtapeReady ??= configure({
    sinks: {
      clickhouse: getClickHouseSink({ table: "logtape", appName: "worker", clientName: "logtape" }),
      seen: (record) => void logtapeSeen.push(record),
    },
    loggers: [
      { category: "worker", lowestLevel: "debug", sinks: ["clickhouse", "seen"] },
      { category: ["logtape", "meta"], lowestLevel: "fatal", sinks: [] },
    ],
  });
  await logtapeReady;
  const tag = url.searchParams.get("tag") ?? "";
  logtapeSeen.length = 0;
  const logger = getLogger(["worker", "route"]);
  logger.info("{tag}: order {order} paid", { tag, order: { id: 42, items: ["a"] }, user: "bo" });
  logger.warn(`${tag}: stock low`);
  logger.error(`${tag}: payment failed`, new RangeError("card declined"));
  const text = getTextFormatter({
    timestamp: "disabled",
    sanitize: false,
    format: ({ message }) => message,
  });
  const messages = logtapeSeen.map((record) => text(record).replace(/\n$/, ""));
  // drain(), not dispose(): LogTape disposes of a sink once, so a later request's dispose() would
  // no longer reach it.
  ctx.waitUntil(drain());
  return json({ messages });
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === "/__logtape") return logtapeRoute(new URL(request.url), env, ctx);
    if (path === "/__nwu/step") return noWaitUntilStep(new URL(request.url), env, ctx);
    if (path.startsWith("/__nwu/probe/")) return probeRoute(new URL(request.url), env, ctx);
    if (path === "/__stats") {
      return json({ stats: tusk.stats(), clients: clients.size, inserts });
    }
    if (path === "/__hooks") {
      // With nodejs_compat there is a `process`; Tusk must still register no exit or signal hook.
      tusk.init({ url: env.CLICKHOUSE_URL, clientName: "hooks", flushOnSignals: true });
      const proc = (globalThis as { process?: { listenerCount?(event: string): number } }).process;
      const events = ["beforeExit", "exit", "SIGINT", "SIGTERM"];
      return json({
        process: typeof proc?.listenerCount === "function",
        listeners: events.reduce((sum, event) => sum + (proc?.listenerCount?.(event) ?? 0), 0),
      });
    }
    if (path === "/__module_scope") {
      initClient(env, { clientName: "module_scope" });
      moduleScope.requests.write({ path, method: "MODULE", status: 200 });
      moduleScope.hits.count({ path }, 5);
      ctx.waitUntil(tusk.getClient("module_scope")!.flush());
      return new Response("ok\n");
    }
    if (path === "/__gzip") {
      // compression: "gzip" uses the web's CompressionStream, which workerd has.
      initClient(env, { clientName: "gzip", compression: "gzip" });
      const requests = tusk.metric({ table: "requests", clientName: "gzip" });
      for (let i = 0; i < 300; i++) requests.write({ path, method: "GZIP", status: i });
      await tusk.getClient("gzip")!.flush();
      return json({ gzipped });
    }
    if (path === "/__failover") {
      // Two endpoints, the first one refusing connections: each request's rows go to the second
      // within the request's own flush (a fresh client name per call of the test).
      const q = new URL(request.url).searchParams;
      const clientName = q.get("client")!;
      tusk.init({
        url: [q.get("dead")!, env.CLICKHOUSE_URL],
        loadBalancing: "in_order",
        user: env.CLICKHOUSE_USER,
        password: env.CLICKHOUSE_PASSWORD,
        database: env.CLICKHOUSE_DATABASE ?? "default",
        clientName,
        onError: () => {},
      });
      const requests = tusk.metric({ table: "requests", clientName });
      for (let i = 0; i < 10; i++) requests.write({ path, method: "FAILOVER", status: i });
      await tusk.getClient(clientName)!.flush();
      const figures = Object.entries(tusk.stats()).find(([key]) =>
        key.startsWith(`${clientName}/`)
      );
      return json(figures?.[1] ?? null);
    }
    if (path === "/__stream") {
      // A flush that starts while rows still arrive: rows written after it started are sent by
      // the flush that follows, and `waitUntil` covers both.
      const response = worker.fetch(request, env, ctx);
      const requests = tusk.metric("requests");
      for (let i = 0; i < 20; i++) {
        const first = tusk.flush();
        ctx.waitUntil(first);
        await Promise.resolve();
        requests.write({ path: "/__stream", method: "STREAM", status: i });
      }
      ctx.waitUntil(tusk.flush());
      return response;
    }
    const response = worker.fetch(request, env, ctx);
    clients.add(tusk.getClient());
    return response;
  },
  scheduled: worker.scheduled,
};
