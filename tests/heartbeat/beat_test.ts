import assert from "node:assert/strict";
import * as tusk from "../../mod.ts";
import * as heartbeat from "../../src/heartbeat/mod.ts";
import { uniqueClient } from "../_helpers/for_each_engine.ts";
import { FakeHeartbeatTable } from "./_fake_clickhouse.ts";

const START = Date.UTC(2022, 2, 10, 6, 51, 1, 178);

Deno.test("heartbeat.beat() writes beats with a sequence per task and its own period", async () => {
  const server = new FakeHeartbeatTable();
  const clock = new tusk.FakeClock(START);
  const clientName = uniqueClient("beat");
  tusk.init({ clientName, clock, fetch: server.fetch });
  try {
    const hb = heartbeat.init({ table: "maintenance.heartbeats", appName: "my_app", clientName });
    await clock.tick(3037);
    heartbeat.beat({ task: "scan_disk", heartbeatPeriod: 60, clientName });
    await clock.tick(60_000);
    heartbeat.beat({ task: "scan_disk", heartbeatPeriod: 60, clientName });
    heartbeat.beat({ task: "other", clientName });
    await hb.stop();
    const rows = server.heartbeats().map((r) => ({
      task: r.task,
      sequence: r.sequence,
      at: r.datetime - START,
      expiresAfter: r.expiry - r.datetime,
    }));
    assert.deepEqual(rows.filter((r) => r.task !== "main"), [
      { task: "scan_disk", sequence: 0, at: 3037, expiresAfter: 60_000 + 30_000 + 5000 },
      { task: "scan_disk", sequence: 1, at: 63_037, expiresAfter: 95_000 },
      { task: "other", sequence: 0, at: 63_037, expiresAfter: 65_000 },
    ]);
    assert.deepEqual(rows.filter((r) => r.task === "main").map((r) => r.sequence), [0, 1, 2]);
  } finally {
    await tusk.close();
  }
});

Deno.test("heartbeat.beat() refuses the reserved task main with a TypeError", () => {
  assert.throws(
    () => heartbeat.beat({ task: "main" }),
    (e: unknown) =>
      e instanceof TypeError && /^Cannot beat task "main": it is reserved/.test(e.message),
  );
});

Deno.test("heartbeat.beat() without heartbeat.init() says what to call first", () => {
  assert.throws(
    () => heartbeat.beat({ task: "scan_disk", clientName: "nobody" }),
    (e: unknown) =>
      e instanceof tusk.TuskError &&
      e.message ===
        'Cannot beat task "scan_disk": no heartbeat runs for client "nobody"; call heartbeat.init({ table }) first',
  );
});

Deno.test("heartbeat.beat() rejects bad options with a TypeError", () => {
  for (
    const options of [{}, { task: "" }, { task: "t", heartbeatPeriod: -1 }, { task: "t", x: 1 }]
  ) {
    assert.throws(
      () => heartbeat.beat(options as heartbeat.BeatOptions),
      (e: unknown) => e instanceof TypeError && e.message.startsWith("Cannot beat: option"),
      JSON.stringify(options),
    );
  }
});

Deno.test("heartbeat.beat() for another client names the client heartbeat.init() ran for", async () => {
  const clientName = uniqueClient("named");
  tusk.init({
    clientName,
    fetch: new FakeHeartbeatTable().fetch,
    clock: new tusk.FakeClock(START),
  });
  try {
    heartbeat.init({ table: "maintenance.heartbeats", appName: "a", clientName });
    assert.throws(
      () => heartbeat.beat({ task: "scan_disk" }),
      (e: unknown) =>
        e instanceof tusk.TuskError &&
        e.message ===
          `Cannot beat task "scan_disk": no heartbeat runs for client "default"; heartbeat.init() ran for client "${clientName}": pass that clientName`,
    );
  } finally {
    await tusk.close();
  }
});
