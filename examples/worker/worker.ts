// A Cloudflare Worker that records a metric and a counter per request, logs through `console.*`
// and a logger, and beats from a Cron Trigger. Deploy with `npx wrangler deploy` (wrangler.toml).
//
// Tables (in CLICKHOUSE_DATABASE):
//   requests   (path String, method String, status UInt16, datetime DateTime)
//   hits       (path String, datetime DateTime, count UInt64)          -- a counter
//   logs, heartbeats                                                   -- as in the README
import * as tusk from "@tusk/clickhouse";
import { type Counter, counter } from "@tusk/clickhouse/counter";
import * as heartbeat from "@tusk/clickhouse/heartbeat";
import * as logging from "@tusk/clickhouse/logging";

/** The Worker's bindings (wrangler.toml `[vars]`, and `wrangler secret put CLICKHOUSE_PASSWORD`). */
export interface Env {
  CLICKHOUSE_URL: string;
  CLICKHOUSE_USER: string;
  CLICKHOUSE_PASSWORD: string;
  CLICKHOUSE_DATABASE?: string;
  /** "1": insert with async_insert=1, wait_for_async_insert=1 (many small writers). */
  CLICKHOUSE_ASYNC_INSERT?: string;
}

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

// Made on the first request, then reused by every request this isolate serves. (Workers allow
// no timers, random values or abort controllers in global scope, so nothing is made at import.)
let app: { requests: tusk.Metric; hits: Counter; log: logging.Logger } | undefined;

// Called on every request: `init` with the same options replaces the client in place, keeping its
// buffered rows, so the isolate keeps one client (and one buffer per table) however many requests
// it serves.
function setup(env: Env): NonNullable<typeof app> {
  tusk.init({
    url: env.CLICKHOUSE_URL,
    user: env.CLICKHOUSE_USER,
    password: env.CLICKHOUSE_PASSWORD,
    database: env.CLICKHOUSE_DATABASE ?? "default",
    asyncInsert: env.CLICKHOUSE_ASYNC_INSERT === "1",
    env: { ...env },
  });
  if (app === undefined) {
    tusk.setAppName("tusk_worker_example");
    logging.init({ table: "logs" }); // captures console.* from here on
    app = {
      requests: tusk.metric("requests"),
      hits: counter({ table: "hits" }),
      log: logging.getLogger(),
    };
  }
  return app;
}

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response {
    const { requests, hits, log } = setup(env);
    const path = new URL(request.url).pathname;
    requests.write({ path, method: request.method, status: 200 });
    hits.count({ path });
    console.log(`Handled ${request.method} ${path}`);
    log.info("request done");
    // Sent after the response, while the runtime keeps the isolate alive for it.
    ctx.waitUntil(tusk.flush());
    return new Response("ok\n");
  },

  // Cron Trigger (wrangler.toml `[triggers] crons`): no timers run between invocations in
  // Workers, so each invocation beats once, due again at the next one.
  scheduled(_controller: unknown, env: Env, ctx: ExecutionContext): void {
    setup(env);
    heartbeat.init({ table: "heartbeats", heartbeatPeriod: 300 });
    heartbeat.beat({ task: "cron", heartbeatPeriod: 300 });
    ctx.waitUntil(tusk.flush());
  },
};
