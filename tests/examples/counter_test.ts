import assert from "node:assert/strict";
import { selectRows, sql } from "../_helpers/engines.ts";
import { forEachEngine } from "../_helpers/for_each_engine.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

// The DDL of the README's counter section.
const DDL = `CREATE TABLE download.quota_usage
(
    resource_id String,
    requester_ip String,
    datetime DateTime,
    count UInt64
)
ENGINE = SummingMergeTree
ORDER BY (resource_id, requester_ip, toStartOfHour(datetime))`;

forEachEngine("examples/counter.ts writes the original README's quota table", async (engine) => {
  await sql(engine, "CREATE DATABASE IF NOT EXISTS download");
  await sql(engine, "DROP TABLE IF EXISTS download.quota_usage");
  await sql(engine, DDL);
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "examples/counter.ts"],
    cwd: ROOT,
    env: {
      CLICKHOUSE_URL: engine.url,
      CLICKHOUSE_USER: engine.user,
      CLICKHOUSE_PASSWORD: engine.password,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const output = new TextDecoder().decode(result.stdout) + new TextDecoder().decode(result.stderr);
  assert.equal(result.code, 0, output);
  const rows = await selectRows<{ resource_id: string; requester_ip: string; count: string }>(
    engine,
    `SELECT resource_id, requester_ip, sum(count) AS count FROM download.quota_usage
     GROUP BY resource_id, requester_ip ORDER BY resource_id, requester_ip`,
  );
  assert.deepEqual(rows.map((r) => ({ ...r, count: Number(r.count) })), [
    { resource_id: "ABC111", requester_ip: "1.2.3.4", count: 5 },
    { resource_id: "ABC122", requester_ip: "1.2.3.4", count: 2 },
    { resource_id: "ABC122", requester_ip: "2.2.2.4", count: 3 },
  ]);
  await sql(engine, "DROP TABLE download.quota_usage");
});
