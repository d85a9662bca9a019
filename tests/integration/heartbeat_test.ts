import assert from "node:assert/strict";
import * as tusk from "../../mod.ts";
import * as heartbeat from "../../src/heartbeat/mod.ts";
import { freshDatabase, selectRows, sql, type TestEngine } from "../_helpers/engines.ts";
import { connect, forEachEngine, uniqueClient, waitFor } from "../_helpers/for_each_engine.ts";
import { docQuery, heartbeatDdl } from "../heartbeat/_readme_sql.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
function ms(engine: TestEngine, column: string): string {
  return engine.modern
    ? `toString(toUnixTimestamp64Milli(${column}))`
    : `toString(toUInt64(toUnixTimestamp(${column})) * 1000)`;
}

interface Beat {
  task: string;
  sequence: number;
  at: number;
  expiry: number;
}

async function beats(engine: TestEngine, db: string, app?: string): Promise<Beat[]> {
  const rows = await selectRows<{ task: string; sequence: number; at: string; expiry: string }>(
    engine,
    `SELECT task, sequence, ${ms(engine, "datetime")} AS at, ${ms(engine, "expiry")} AS expiry` +
      ` FROM ${db}.heartbeats${app === undefined ? "" : ` WHERE app = '${app}'`}` +
      " ORDER BY datetime, task, sequence",
  );
  return rows.map((r) => ({ ...r, at: Number(r.at), expiry: Number(r.expiry) }));
}

// A recent instant on a whole second: the README's TTL drops rows older than 28 days on insert,
// and its queries compare with the server's now().
function recentStart(): number {
  return Math.floor(Date.now() / 1000) * 1000 - 600_000;
}

async function heartbeatTable(engine: TestEngine, prefix: string): Promise<string> {
  const db = await freshDatabase(engine, prefix);
  await sql(engine, heartbeatDdl(engine, db));
  return db;
}

function connectHb(engine: TestEngine, extra: tusk.InitOptions = {}): string {
  const clientName = uniqueClient("hb");
  connect(engine, clientName, { onError: () => {}, ...extra });
  return clientName;
}

forEachEngine(
  "heartbeat: main and scan_disk beats, expiry, and the README's overdue and gaps queries",
  async (engine) => {
    const db = await heartbeatTable(engine, "hb");
    const start = recentStart();
    const clock = new tusk.FakeClock(start);
    const clientName = connectHb(engine, { clock });
    try {
      const hb = heartbeat.init({ table: `${db}.heartbeats`, appName: "my_app", clientName });
      await clock.tick(3000);
      heartbeat.beat({ task: "scan_disk", heartbeatPeriod: 60, clientName });
      await clock.tick(60_000);
      heartbeat.beat({ task: "scan_disk", heartbeatPeriod: 60, clientName }); // then it stops
      await clock.tick(600_000 - 63_000);
      await hb.stop();

      const rows = await beats(engine, db);
      const main = rows.filter((r) => r.task === "main");
      assert.deepEqual(
        main.map((r) => [r.sequence, r.at - start]),
        Array.from({ length: 21 }, (_, n) => [n, n * 30_000]),
      );
      assert.ok(main.every((r) => r.expiry - r.at === 65_000), "expiry = time + 30 + 30 + 5 s");
      assert.deepEqual(rows.filter((r) => r.task === "scan_disk"), [
        { task: "scan_disk", sequence: 0, at: start + 3000, expiry: start + 3000 + 95_000 },
        { task: "scan_disk", sequence: 1, at: start + 63_000, expiry: start + 63_000 + 95_000 },
      ]);

      const overdue = await selectRows<{ app: string; task: string }>(
        engine,
        docQuery("HAVING overdue_since < now()", db),
      );
      assert.deepEqual(
        overdue.map(({ app, task }) => ({ app, task })),
        [{ app: "my_app", task: "scan_disk" }],
        "the stopped task is overdue, the live main loop is not",
      );

      const gapsQuery = docQuery("arrayPopBack", db);
      assert.deepEqual(await selectRows(engine, gapsQuery), [], "no beat was lost");
      const t = (s: number) =>
        `'${new Date(start + s * 1000).toISOString().slice(0, 19).replace("T", " ")}'`;
      await sql(
        engine,
        `INSERT INTO ${db}.heartbeats (app, datetime, task, sequence, expiry) VALUES ` +
          `('lossy', ${t(0)}, 'main', 0, ${t(65)}), ('lossy', ${t(30)}, 'main', 1, ${t(95)}), ` +
          `('lossy', ${t(120)}, 'main', 4, ${t(185)}), ('lossy', ${t(150)}, 'main', 0, ${t(215)})`,
      );
      const gaps = await selectRows<Record<string, unknown>>(engine, gapsQuery);
      assert.deepEqual(
        gaps.map((g) => ({ ...g, missing: Number(g.missing) })),
        [{ app: "lossy", task: "main", last_before_gap: 1, first_after_gap: 4, missing: 2 }],
        "the gap 1 -> 4 is found; 4 -> 0 is a restart",
      );
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine("heartbeat handle stop() ends the loop and flushes", async (engine) => {
  const db = await heartbeatTable(engine, "hb_stop");
  const clock = new tusk.FakeClock(recentStart());
  const clientName = connectHb(engine, { clock });
  try {
    const hb = heartbeat.init({
      table: `${db}.heartbeats`,
      appName: "a",
      clientName,
      batching: { period: 3600 },
    });
    await clock.tick(60_000);
    assert.equal((await beats(engine, db)).length, 0, "nothing sent before stop()");
    await hb.stop();
    assert.deepEqual((await beats(engine, db)).map((r) => r.sequence), [0, 1, 2]);
    await clock.tick(600_000);
    await tusk.flush();
    assert.equal((await beats(engine, db)).length, 3, "no beat after stop()");
  } finally {
    await tusk.close();
  }
});

forEachEngine("heartbeat.init() a second time replaces the first loop", async (engine) => {
  const db = await heartbeatTable(engine, "hb_again");
  const start = recentStart();
  const clock = new tusk.FakeClock(start);
  const clientName = connectHb(engine, { clock });
  try {
    heartbeat.init({ table: `${db}.heartbeats`, appName: "a", clientName, heartbeatPeriod: 10 });
    await clock.tick(5000);
    const hb = heartbeat.init({
      table: `${db}.heartbeats`,
      appName: "a",
      clientName,
      heartbeatPeriod: 60,
    });
    await clock.tick(120_000);
    await hb.stop();
    assert.deepEqual(
      (await beats(engine, db)).map((r) => [r.sequence, (r.at - start) / 1000]),
      [[0, 0], [1, 5], [2, 65], [3, 125]],
    );
  } finally {
    await tusk.close();
  }
});

forEachEngine("heartbeat loop keeps beating through a ClickHouse outage", async (engine) => {
  const db = await heartbeatTable(engine, "hb_outage");
  const clock = new tusk.FakeClock(recentStart());
  const errors: Error[] = [];
  // First a server that is not there (nothing listens on port 9), then the real one.
  const clientName = connectHb(engine, {
    clock,
    url: "http://127.0.0.1:9",
    onError: (e) => errors.push(e),
  });
  try {
    heartbeat.init({ table: `${db}.heartbeats`, appName: "a", clientName });
    await clock.tick(90_000);
    await waitFor(() => errors.length > 0, "a reported failure");
    connect(engine, clientName, { clock, onError: () => {} });
    await clock.tick(60_000);
    await tusk.flush();
    assert.deepEqual((await beats(engine, db)).map((r) => r.sequence), [0, 1, 2, 3, 4, 5]);
  } finally {
    await tusk.close();
  }
});

forEachEngine("heartbeat loop does not keep a Deno process from exiting", async (engine) => {
  const db = await heartbeatTable(engine, "hb_exit");
  const script = `
    import * as tusk from "@tusk/clickhouse";
    import * as heartbeat from "@tusk/clickhouse/heartbeat";
    tusk.init({ url: "${engine.url}", user: "${engine.user}", password: Deno.env.get("PW") });
    heartbeat.init({ table: "${db}.heartbeats", appName: "short_lived", heartbeatPeriod: 1 });
    console.log("heartbeat started; ending");
  `;
  const started = Date.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", "-"],
    env: { PW: engine.password },
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  const killer = setTimeout(() => child.kill(), 15_000); // a held-open program fails, not hangs
  const result = await child.output().finally(() => clearTimeout(killer));
  const elapsed = Date.now() - started;
  assert.equal(result.code, 0, new TextDecoder().decode(result.stderr));
  assert.ok(elapsed < 15_000, `the program ended (took ${elapsed} ms)`);
  const rows = await beats(engine, db, "short_lived");
  assert.deepEqual(rows.map((r) => [r.task, r.sequence]), [["main", 0]], "sent at exit");
});

// A client whose buffer holds `maxRows` rows, with a table of plain events beside the heartbeats;
// nothing is sent until the test flushes (fake clock, long batching periods).
async function crowdedClient(
  engine: TestEngine,
  prefix: string,
  onFull: "drop_oldest" | "drop_newest",
) {
  const db = await heartbeatTable(engine, prefix);
  await sql(engine, `CREATE TABLE ${db}.events (id UInt32) ENGINE = Memory`);
  const clock = new tusk.FakeClock(recentStart());
  const clientName = connectHb(engine, {
    clock,
    buffer: { maxRows: 10, onFull },
    batching: { period: 3600 },
  });
  const events = tusk.metric({ table: `${db}.events`, clientName });
  await events.ready();
  return { db, clock, clientName, events };
}

function statsOf(clientName: string, table: string): tusk.TableStats {
  return tusk.stats()[`${clientName}/${table}`]!;
}

forEachEngine(
  'heartbeat beats are buffered when a full client buffer refuses new rows (onFull: "drop_newest")',
  async (engine) => {
    const { db, clientName, events } = await crowdedClient(engine, "hb_full_newest", "drop_newest");
    try {
      for (let id = 0; id < 10; id++) events.write({ id }); // the buffer is full
      events.write({ id: 10 }); // refused, as drop_newest says
      heartbeat.init({ table: `${db}.heartbeats`, appName: "a", clientName });
      heartbeat.beat({ task: "scan_disk", clientName });
      heartbeat.beat({ task: "scan_disk", clientName });
      await tusk.flush();
      assert.deepEqual(
        (await beats(engine, db)).map((r) => [r.task, r.sequence]).sort(),
        [["main", 0], ["scan_disk", 0], ["scan_disk", 1]],
      );
      assert.deepEqual(statsOf(clientName, `${db}.heartbeats`).dropped, {});
      // Each beat took the place of an event: every event is stored or counted as dropped.
      const stored = await selectRows(engine, `SELECT id FROM ${db}.events`);
      assert.equal(stored.length, 10 - 3);
      assert.deepEqual(statsOf(clientName, `${db}.events`).dropped, { buffer_full: 1 + 3 });
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine(
  'heartbeat beats are not evicted for other tables\' rows (onFull: "drop_oldest")',
  async (engine) => {
    const { db, clock, clientName, events } = await crowdedClient(
      engine,
      "hb_full_oldest",
      "drop_oldest",
    );
    try {
      heartbeat.init({
        table: `${db}.heartbeats`,
        appName: "a",
        clientName,
        heartbeatPeriod: 1,
        batching: { period: 3600 },
      });
      await clock.tick(7000); // 8 beats held: the table holding the most rows
      for (let id = 0; id < 5; id++) events.write({ id });
      await tusk.flush();
      assert.deepEqual(
        (await beats(engine, db)).map((r) => r.sequence),
        [0, 1, 2, 3, 4, 5, 6, 7],
      );
      assert.deepEqual(statsOf(clientName, `${db}.heartbeats`).dropped, {});
      // The events made room among themselves: the newest 2 kept, the 3 oldest dropped.
      assert.deepEqual(await selectRows(engine, `SELECT id FROM ${db}.events ORDER BY id`), [
        { id: 3 },
        { id: 4 },
      ]);
      assert.deepEqual(statsOf(clientName, `${db}.events`).dropped, { buffer_full: 3 });
    } finally {
      await tusk.close();
    }
  },
);
