// The original README's heartbeat: a `main` beat every 15 s and a `scan_disk` task beating once
// per cycle. Connects to CLICKHOUSE_URL (CLICKHOUSE_USER, CLICKHOUSE_PASSWORD); the app name is
// APP, else "my_app". Run: deno run -A examples/heartbeat.ts
import * as tusk from "@tusk/clickhouse";
import * as heartbeat from "@tusk/clickhouse/heartbeat";

tusk.init({
  url: Deno.env.get("CLICKHOUSE_URL") ?? "http://localhost:8123",
  user: Deno.env.get("CLICKHOUSE_USER") ?? "default",
  password: Deno.env.get("CLICKHOUSE_PASSWORD") ?? "",
});

async function scanDisk(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 100)); // the task's real work
}

{
  await using _heartbeat = heartbeat.init({
    table: "maintenance.heartbeats",
    appName: Deno.env.get("APP") ?? "my_app",
    heartbeatPeriod: 15,
  });
  for (let cycle = 0; cycle < 3; cycle++) {
    await scanDisk();
    heartbeat.beat({ task: "scan_disk", heartbeatPeriod: 60 });
  }
} // leaving the block stops the loop and sends the beats

console.log(tusk.stats()["maintenance.heartbeats"]);
await tusk.close();
