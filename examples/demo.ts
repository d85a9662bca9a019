/**
 * The demo behind `npm run demo`: writes the original README's `system.cpu`
 * rows through Tusk and prints `SELECT *` as a table.
 *
 * With `CLICKHOUSE_URL` set (and `CLICKHOUSE_USER`, `CLICKHOUSE_PASSWORD`), it
 * writes there. Without it, it starts the embedded engine (chDB, from npm)
 * behind a small ClickHouse HTTP front in a temporary folder, and stops it at
 * the end.
 *
 * @module
 */
import * as tusk from "../mod.ts";
import { startChdbFront } from "../tools/engines/chdb_front.mjs";

interface Server {
  url: string;
  user: string;
  password: string;
  stop(): Promise<void>;
}

async function server(): Promise<Server> {
  const url = Deno.env.get("CLICKHOUSE_URL");
  if (url) {
    const user = Deno.env.get("CLICKHOUSE_USER") ?? "default";
    const password = Deno.env.get("CLICKHOUSE_PASSWORD") ?? "";
    console.log(`Writing to ClickHouse at ${url}`);
    return { url, user, password, stop: () => Promise.resolve() };
  }
  console.log("CLICKHOUSE_URL is not set: starting the embedded engine (chDB)...");
  const dir = await Deno.makeTempDir({ prefix: "tusk-demo-" });
  const engine = await startChdbFront({ dir });
  return {
    url: engine.url,
    user: engine.user,
    password: engine.password,
    stop: async () => {
      await engine.stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function sql(s: Server, query: string): Promise<string> {
  const response = await fetch(`${s.url}/`, {
    method: "POST",
    headers: { Authorization: `Basic ${btoa(`${s.user}:${s.password}`)}` },
    body: query,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${query}: ${text.trim()}`);
  return text;
}

// A Markdown table, like the original README's.
function printTable(rows: Record<string, unknown>[]): void {
  const columns = Object.keys(rows[0] ?? {});
  const cells = rows.map((row) => columns.map((c) => String(row[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    `| ${values.map((v, i) => v.padStart(widths[i]!)).join(" | ")} |`;
  console.log(line(columns));
  console.log(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
  for (const row of cells) console.log(line(row));
}

const s = await server();
try {
  const version = (await sql(s, "SELECT version()")).trim();
  const time = Number(version.split(".")[0]) >= 20 ? "DateTime64(3)" : "DateTime";
  await sql(
    s,
    "CREATE TABLE IF NOT EXISTS system.cpu (region String, instance_id String, " +
      `datetime ${time}, usage Float64) ENGINE = MergeTree ORDER BY (region, datetime)`,
  );

  // The original README's example, in TypeScript.
  tusk.init({ url: s.url, user: s.user, password: s.password });
  const cpuUsage = tusk.metric({ table: "system.cpu" });
  cpuUsage.write({ region: "Tokyo", instance_id: "ABC", usage: 0.43 });
  cpuUsage.write({ region: "Seoul", instance_id: "XYZ", usage: 0.22 });
  await tusk.flush();

  console.log(`\nSELECT * FROM system.cpu  (ClickHouse ${version})\n`);
  const text = await sql(
    s,
    "SELECT * FROM system.cpu ORDER BY datetime DESC, region LIMIT 10 FORMAT JSONEachRow",
  );
  printTable(text.trim().split("\n").map((line) => JSON.parse(line)));
  console.log("\nstats:", JSON.stringify(tusk.stats()["system.cpu"]));
} finally {
  await tusk.close();
  await s.stop();
}
