import assert from "node:assert/strict";
import { selectRows, sql } from "../_helpers/engines.ts";
import { forEachEngine } from "../_helpers/for_each_engine.ts";
import { heartbeatDdl } from "../heartbeat/_readme_sql.ts";
import { readmeSection } from "../_helpers/readme.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

Deno.test("the README's heartbeat section shows examples/heartbeat.ts and worker_heartbeat.ts as they are", () => {
  const doc = readmeSection("4. Heartbeat");
  const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  for (const file of ["examples/heartbeat.ts", "examples/worker_heartbeat.ts"]) {
    assert.ok(blocks.includes(Deno.readTextFileSync(`${ROOT}${file}`)), `${file} is in the doc`);
  }
});

forEachEngine("examples/heartbeat.ts writes main and scan_disk beats", async (engine) => {
  await sql(engine, "CREATE DATABASE IF NOT EXISTS maintenance");
  await sql(engine, heartbeatDdl(engine));
  const app = `example_${crypto.randomUUID().slice(0, 8)}`;
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "examples/heartbeat.ts"],
    cwd: ROOT,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "",
      CLICKHOUSE_URL: engine.url,
      CLICKHOUSE_USER: engine.user,
      CLICKHOUSE_PASSWORD: engine.password,
      APP: app,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(result.stdout);
  assert.equal(result.code, 0, new TextDecoder().decode(result.stderr) + stdout);
  assert.match(stdout, /written: 4/);
  const rows = await selectRows<{ task: string; sequence: number }>(
    engine,
    `SELECT task, sequence FROM maintenance.heartbeats WHERE app = '${app}' ORDER BY task, sequence`,
  );
  assert.deepEqual(rows, [
    { task: "main", sequence: 0 },
    { task: "scan_disk", sequence: 0 },
    { task: "scan_disk", sequence: 1 },
    { task: "scan_disk", sequence: 2 },
  ]);
});
