// Heartbeats from a Cloudflare Worker's Cron Trigger (wrangler.toml: crons = ["*/5 * * * *"]).
import * as tusk from "@tusk/clickhouse";
import * as heartbeat from "@tusk/clickhouse/heartbeat";

interface Env {
  CLICKHOUSE_URL: string;
  CLICKHOUSE_USER: string;
  CLICKHOUSE_PASSWORD: string;
}

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

async function rotateLogs(): Promise<void> {
  // the task's real work
}

export default {
  scheduled(_controller: unknown, env: Env, ctx: ExecutionContext): void {
    tusk.init({
      url: env.CLICKHOUSE_URL,
      user: env.CLICKHOUSE_USER,
      password: env.CLICKHOUSE_PASSWORD,
      env: { ...env },
    });
    // One `main` beat per invocation, due again at the next one (every 300 s).
    heartbeat.init({ table: "maintenance.heartbeats", appName: "my_worker", heartbeatPeriod: 300 });
    ctx.waitUntil((async () => {
      await rotateLogs();
      heartbeat.beat({ task: "rotate_logs", heartbeatPeriod: 300 });
      await tusk.flush();
    })());
  },
};
