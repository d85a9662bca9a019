import assert from "node:assert/strict";
import * as tusk from "../../mod.ts";
import * as heartbeat from "../../src/heartbeat/mod.ts";
import { uniqueClient } from "../_helpers/for_each_engine.ts";
import { FakeHeartbeatTable } from "./_fake_clickhouse.ts";

const START = Date.UTC(2022, 2, 10, 6, 51, 1, 178);

function setup(
  options: { backgroundTimers?: boolean; onError?: (e: Error) => void } = {},
) {
  const server = new FakeHeartbeatTable();
  const clock = new tusk.FakeClock(START, { backgroundTimers: options.backgroundTimers });
  const clientName = uniqueClient("hb");
  tusk.init({
    url: "http://clickhouse.invalid:8123",
    clientName,
    clock,
    fetch: server.fetch,
    onError: options.onError ?? (() => {}),
  });
  return { server, clock, clientName };
}

Deno.test("heartbeat.init() writes a main beat at once, then one every period without drift", async () => {
  const { server, clock, clientName } = setup();
  try {
    const hb = heartbeat.init({ table: "maintenance.heartbeats", appName: "my_app", clientName });
    await clock.tick(30_000 * 3 + 1);
    await hb.stop();
    assert.deepEqual(
      server.heartbeats().map((r) => [r.task, r.sequence, r.datetime - START]),
      [["main", 0, 0], ["main", 1, 30_000], ["main", 2, 60_000], ["main", 3, 90_000]],
    );
    assert.ok(server.heartbeats().every((r) => r.app === "my_app"));
  } finally {
    await tusk.close();
  }
});

Deno.test("heartbeat.init() sets expiry to time + heartbeatPeriod + timeout + batching period", async (t) => {
  await t.step("defaults: 30 + 30 + 5 = 65 s", async () => {
    const { server, clientName } = setup();
    try {
      await heartbeat.init({ table: "maintenance.heartbeats", appName: "a", clientName }).stop();
      const [row] = server.heartbeats();
      assert.equal(row!.expiry - row!.datetime, 65_000);
    } finally {
      await tusk.close();
    }
  });
  await t.step("explicit: 10 + 2 + 1 = 13 s", async () => {
    const { server, clientName } = setup();
    try {
      await heartbeat.init({
        table: "maintenance.heartbeats",
        appName: "a",
        clientName,
        heartbeatPeriod: 10,
        timeout: 2,
        batching: { period: 1 },
      }).stop();
      const [row] = server.heartbeats();
      assert.equal(row!.expiry - row!.datetime, 13_000);
    } finally {
      await tusk.close();
    }
  });
});

Deno.test("heartbeat.init() a second time replaces the first loop, keeping sequences", async () => {
  const { server, clock, clientName } = setup();
  try {
    heartbeat.init({ table: "maintenance.heartbeats", appName: "a", clientName });
    await clock.tick(10_000);
    const hb = heartbeat.init({
      table: "maintenance.heartbeats",
      appName: "a",
      clientName,
      heartbeatPeriod: 20,
    });
    await clock.tick(60_000);
    await hb.stop();
    assert.deepEqual(
      server.heartbeats().map((r) => [r.sequence, (r.datetime - START) / 1000]),
      [[0, 0], [1, 10], [2, 30], [3, 50], [4, 70]],
      "no beat at 30 s / 60 s from the first loop",
    );
  } finally {
    await tusk.close();
  }
});

Deno.test("heartbeat.init() handle: stop() ends the loop and flushes; asyncDispose stops", async (t) => {
  await t.step("stop()", async () => {
    const { server, clock, clientName } = setup();
    try {
      const hb = heartbeat.init({
        table: "maintenance.heartbeats",
        appName: "a",
        clientName,
        batching: { period: 3600 },
      });
      await clock.tick(30_000);
      assert.equal(server.rows().length, 0, "both beats wait for the batching period");
      await hb.stop();
      assert.equal(server.rows().length, 2, "stop() flushed both beats");
      await clock.tick(300_000);
      assert.equal(server.rows().length, 2, "no beat after stop()");
      assert.equal(clock.pendingTimers, 0);
      assert.equal(hb.stop(), hb.stop(), "stop() again returns the same promise");
      assert.throws(() => heartbeat.beat({ task: "scan_disk", clientName }), tusk.TuskError);
    } finally {
      await tusk.close();
    }
  });
  await t.step("await using", async () => {
    const { server, clock, clientName } = setup();
    try {
      {
        await using _hb = heartbeat.init({
          table: "maintenance.heartbeats",
          appName: "a",
          clientName,
        });
      }
      await clock.tick(300_000);
      assert.equal(server.rows().length, 1);
    } finally {
      await tusk.close();
    }
  });
});

Deno.test("heartbeat.init() loop keeps beating while ClickHouse is down", async () => {
  const errors: Error[] = [];
  const { server, clock, clientName } = setup({ onError: (e) => errors.push(e) });
  server.down = true;
  try {
    const hb = heartbeat.init({ table: "maintenance.heartbeats", appName: "a", clientName });
    await clock.tick(120_000);
    assert.ok(errors.length > 0, "the failures were reported");
    assert.ok(server.requests.length > 1, "sends were retried");
    server.down = false;
    await clock.tick(60_000);
    await hb.stop();
    assert.deepEqual(server.heartbeats().map((r) => r.sequence), [0, 1, 2, 3, 4, 5, 6]);
  } finally {
    await tusk.close();
  }
});

Deno.test("tusk.close() stops the heartbeat loop", async () => {
  const { clock, clientName } = setup();
  heartbeat.init({ table: "maintenance.heartbeats", appName: "a", clientName });
  await tusk.close();
  assert.equal(clock.pendingTimers, 0);
  assert.throws(() => heartbeat.beat({ task: "t", clientName }), /call heartbeat\.init/);
});

Deno.test("heartbeat.init() in a Worker-like clock writes one beat and starts no loop", async () => {
  const { server, clock, clientName } = setup({ backgroundTimers: false });
  try {
    heartbeat.init({ table: "maintenance.heartbeats", appName: "w", clientName });
    heartbeat.beat({ task: "cron", clientName });
    await tusk.flush();
    assert.equal(clock.pendingTimers, 0);
    heartbeat.init({ table: "maintenance.heartbeats", appName: "w", clientName });
    await tusk.flush();
    assert.deepEqual(server.heartbeats().map((r) => [r.task, r.sequence]), [
      ["main", 0],
      ["cron", 0],
      ["main", 1],
    ]);
  } finally {
    await tusk.close();
  }
});

Deno.test("heartbeat.init() takes the app name from appName, else the environment", async (t) => {
  await t.step("APP from init({ env })", async () => {
    const server = new FakeHeartbeatTable();
    const clientName = uniqueClient("env");
    tusk.init({ clientName, fetch: server.fetch, env: { APP: "from_env" } });
    try {
      await heartbeat.init({ table: "maintenance.heartbeats", clientName }).stop();
      assert.equal(server.heartbeats()[0]!.app, "from_env");
    } finally {
      await tusk.close();
    }
  });
  await t.step("none: a TuskError naming what to do", async () => {
    const clientName = uniqueClient("noapp");
    tusk.init({ clientName, env: {} });
    try {
      assert.throws(
        () => heartbeat.init({ table: "maintenance.heartbeats", clientName }),
        (e: unknown) =>
          e instanceof tusk.TuskError &&
          /^Cannot start heartbeat\.init\(\): no app name; pass appName, call setAppName\(\)/.test(
            e.message,
          ),
      );
    } finally {
      await tusk.close();
    }
  });
});

Deno.test("heartbeat.init() writes into renamed columns", async () => {
  const server = new FakeHeartbeatTable([
    ["service", "String"],
    ["at", "DateTime"],
    ["job", "String"],
    ["n", "UInt64"],
  ]);
  const clientName = uniqueClient("cols");
  tusk.init({ clientName, fetch: server.fetch, clock: new tusk.FakeClock(START) });
  try {
    await heartbeat.init({
      table: "ops.beats",
      appName: "svc",
      clientName,
      columns: { app: "service", task: "job", sequence: "n", expiry: null },
    }).stop();
    assert.deepEqual(server.rows(), [{
      service: "svc",
      job: "main",
      n: 0,
      at: Math.floor(START / 1000),
    }]);
  } finally {
    await tusk.close();
  }
});

Deno.test("heartbeat.init() rejects bad options with a TypeError naming them", () => {
  const bad: unknown[] = [
    {},
    { table: "" },
    { table: "a.b", heartbeatPeriod: 0 },
    { table: "a.b", timeout: -1 },
    { table: "a.b", columns: { app: "" } },
    { table: "a.b", columns: { tsk: "x" } },
    { table: "a.b", batching: { period: "5" } },
    { table: "a.b", typo: 1 },
  ];
  for (const options of bad) {
    assert.throws(
      () => heartbeat.init(options as heartbeat.HeartbeatInitOptions),
      (e: unknown) =>
        e instanceof TypeError && /^Cannot (start heartbeat\.init|use heartbeat)/.test(e.message),
      JSON.stringify(options),
    );
  }
});

Deno.test("heartbeat.init() takes createTable as a boolean or { ttlDays }, and nothing else", async () => {
  for (const createTable of ["yes", 1, { ttlDays: -1 }, { ttlDays: 1.5 }, { ttl: 3 }]) {
    assert.throws(
      () =>
        heartbeat.init({ table: "a.b", createTable } as unknown as heartbeat.HeartbeatInitOptions),
      (e: unknown) =>
        e instanceof TypeError &&
        /^Cannot start heartbeat\.init\(\): .*createTable/.test(e.message),
      JSON.stringify(createTable),
    );
  }
  const { clientName } = setup();
  for (const createTable of [true, false, { ttlDays: 0 }, {}]) {
    await heartbeat.init({ table: "a.b", appName: "a", clientName, createTable }).stop();
  }
  await tusk.close();
});
