// The example Worker, wrapped with test-only routes, bundled and run in workerd by
// worker.test.mjs. Nothing here changes how the example handles requests.
import worker, { type Env } from "../../../examples/worker/worker.ts";
import * as tusk from "@tusk/clickhouse";
import { counter } from "@tusk/clickhouse/counter";

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

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const path = new URL(request.url).pathname;
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
