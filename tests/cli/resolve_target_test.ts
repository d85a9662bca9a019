import assert from "node:assert/strict";
import { resolveTarget } from "../../src/cli/resolve_target.ts";
import { UsageError } from "../../src/cli/usage_error.ts";
import { parseConfig } from "../../src/config/parse_config.ts";

const ENV: Record<string, string> = {
  CLICKHOUSE_URL: "http://env:8123",
  CLICKHOUSE_USER: "env_user",
  CLICKHOUSE_PASSWORD: "env_pw",
};
const env = (name: string) => ENV[name];
const none = () => undefined;

Deno.test("resolveTarget() takes flags first, then the config, then CLICKHOUSE_*", () => {
  const config = parseConfig({
    app: "a",
    host: "ch",
    user: "cfg_user",
    database: "maintenance",
    heartbeat: { table: "beats", columns: { sequence: null } },
    logging: { database: "ops", table: "logs", columns: { message: "text" } },
  });
  const target = resolveTarget({ user: "flag_user" }, config, env);
  assert.deepEqual(target.server, { url: "http://ch:8123", user: "flag_user", password: "env_pw" });
  assert.deepEqual(target.heartbeats, {
    database: "maintenance",
    table: "beats",
    columns: { app: "app", task: "task", sequence: null, expiry: "expiry" },
  });
  assert.deepEqual(target.logs, {
    database: "ops",
    table: "logs",
    layout: "tusk",
    columns: { app: "app", level: "level", message: "text" },
  });
});

Deno.test("resolveTarget() reads tables from --heartbeats and --logs, and the environment", () => {
  const target = resolveTarget({ heartbeats: "m.hb", logs: "logs" }, undefined, env);
  assert.deepEqual(target.server, { url: "http://env:8123", user: "env_user", password: "env_pw" });
  assert.equal(`${target.heartbeats?.database}.${target.heartbeats?.table}`, "m.hb");
  assert.equal(`${target.logs?.database}.${target.logs?.table}`, "default.logs");
});

Deno.test("resolveTarget() reads an otel log table by the exporter's columns", () => {
  const config = parseConfig({ app: "a", logging: { table: "otel_logs", layout: "otel" } });
  const target = resolveTarget({}, config, none);
  assert.deepEqual(target.logs?.columns, {
    app: "ServiceName",
    level: "SeverityNumber",
    message: "Body",
  });
  assert.equal(target.server.url, "http://localhost:8123");
});

Deno.test("resolveTarget() without a table, or with a bad URL, is a usage error", () => {
  assert.throws(() => resolveTarget({}, undefined, env), UsageError);
  assert.throws(
    () => resolveTarget({ url: "ftp://x", heartbeats: "a.b" }, undefined, none),
    (error: Error) => error instanceof UsageError && /^Cannot connect: .*--url/.test(error.message),
  );
});
