import assert from "node:assert/strict";
import * as tusk from "../../mod.ts";
import { freshDatabase, selectRows, sql, type TestEngine } from "../_helpers/engines.ts";
import { connect, forEachEngine, uniqueClient } from "../_helpers/for_each_engine.ts";

async function cpuTable(engine: TestEngine): Promise<string> {
  const db = await freshDatabase(engine, "metric");
  const time = engine.modern ? "DateTime64(3)" : "DateTime";
  await sql(
    engine,
    `CREATE TABLE ${db}.cpu (region String, instance_id String, datetime ${time}, usage Float64)` +
      " ENGINE = MergeTree ORDER BY (region, datetime)",
  );
  return db;
}

forEachEngine(
  "metric().write() stores the original README's CPU rows with the write's time",
  async (engine) => {
    const db = await cpuTable(engine);
    const clientName = uniqueClient("cpu");
    connect(engine, clientName);
    try {
      const cpuUsage = tusk.metric({ table: `${db}.cpu`, clientName });
      const before = Date.now();
      cpuUsage.write({ region: "Tokyo", instance_id: "ABC", usage: 0.43 });
      cpuUsage.write({ region: "Seoul", instance_id: "XYZ", usage: 0.22 });
      await cpuUsage.flush();
      const after = Date.now();
      const rows = await selectRows<
        { region: string; instance_id: string; usage: number; ms: string }
      >(
        engine,
        `SELECT region, instance_id, usage, toString(toUInt64(toUnixTimestamp(datetime)) * 1000${
          engine.modern ? " + toUInt64(toUnixTimestamp64Milli(datetime) % 1000)" : ""
        }) AS ms FROM ${db}.cpu ORDER BY region DESC`,
      );
      assert.deepEqual(
        rows.map(({ region, instance_id, usage }) => ({ region, instance_id, usage })),
        [
          { region: "Tokyo", instance_id: "ABC", usage: 0.43 },
          { region: "Seoul", instance_id: "XYZ", usage: 0.22 },
        ],
      );
      for (const row of rows) {
        const ms = Number(row.ms);
        const precision = engine.modern ? 0 : 999; // DateTime keeps whole seconds
        assert.ok(
          ms >= before - precision && ms <= after,
          `time ${ms} outside [${before}, ${after}]`,
        );
      }
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine("metric() takes a Table with an explicit time column", async (engine) => {
  const db = await freshDatabase(engine, "metric_tc");
  await sql(
    engine,
    `CREATE TABLE ${db}.cpu (created DateTime, datetime DateTime, usage Float64) ENGINE = MergeTree ORDER BY datetime`,
  );
  const clientName = uniqueClient("tc");
  const clock = new tusk.FakeClock(Date.UTC(2022, 2, 10, 6, 42, 42, 746));
  connect(engine, clientName, { clock });
  try {
    const table = new tusk.Table({ database: db, tableName: "cpu", timeColumn: "datetime" });
    const cpu = tusk.metric({ table, clientName });
    cpu.write({ usage: 0.5 });
    cpu.write({ usage: 0.6, datetime: new Date(Date.UTC(2020, 0, 1)) });
    await cpu.flush();
    const rows = await selectRows(
      engine,
      `SELECT toUnixTimestamp(created) AS c, toUnixTimestamp(datetime) AS d, usage FROM ${db}.cpu ORDER BY usage`,
    );
    assert.deepEqual(rows, [
      { c: 0, d: Date.UTC(2022, 2, 10, 6, 42, 42) / 1000, usage: 0.5 },
      { c: 0, d: Date.UTC(2020, 0, 1) / 1000, usage: 0.6 },
    ]);
  } finally {
    await tusk.close();
  }
});

forEachEngine(
  "metric().write() throws TuskValidationError naming table, column and value",
  async (engine) => {
    const db = await cpuTable(engine);
    const clientName = uniqueClient("bad");
    connect(engine, clientName);
    try {
      const cpu = tusk.metric({ table: `${db}.cpu`, clientName });
      await cpu.ready();
      assert.throws(() => cpu.write({ region: "Tokyo", regoin: "typo" }), (e: unknown) => {
        assert.ok(e instanceof tusk.TuskValidationError);
        assert.equal(e.table, `${db}.cpu`);
        assert.equal(e.column, "regoin");
        assert.match(e.message, /no such column \(columns: region, instance_id, datetime, usage\)/);
        return true;
      });
      assert.throws(() => cpu.write({ region: "Tokyo", usage: "high" }), (e: unknown) => {
        assert.ok(e instanceof tusk.TuskValidationError);
        assert.equal(e.column, "usage");
        assert.match(
          e.message,
          new RegExp(`^Cannot write to "${db}\\.cpu": column "usage": .*"high"`),
        );
        return true;
      });
      cpu.write({ region: "Tokyo", instance_id: "ABC", usage: 0.43 });
      await cpu.flush();
      const [{ n }] = await selectRows<{ n: string }>(engine, `SELECT count() AS n FROM ${db}.cpu`);
      assert.equal(Number(n), 1, "the bad rows were not buffered; the good one arrived");
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine(
  "metric() rows written before the schema is known are checked when it arrives",
  async (engine) => {
    const db = await cpuTable(engine);
    const clientName = uniqueClient("early");
    const reported: Error[] = [];
    const cpu = tusk.metric({ table: `${db}.cpu`, clientName }); // before init
    cpu.write({ region: "Tokyo", instance_id: "ABC", usage: 0.43 });
    cpu.write({ region: "Oops", usage: "not a number" });
    cpu.write({ region: "Seoul", instance_id: "XYZ", usage: 0.22 });
    assert.equal(tusk.getClient(clientName), undefined, "no client until init()");
    connect(engine, clientName, { onError: (error) => reported.push(error) });
    try {
      await cpu.flush();
      const rows = await selectRows<{ region: string }>(
        engine,
        `SELECT region FROM ${db}.cpu ORDER BY region`,
      );
      assert.deepEqual(rows.map((r) => r.region), ["Seoul", "Tokyo"]);
      assert.equal(reported.length, 1);
      assert.ok(reported[0] instanceof tusk.TuskValidationError);
      assert.match(reported[0].message, /column "usage"/);
      const stats = tusk.stats()[`${clientName}/${db}.cpu`];
      assert.equal(stats?.written, 2);
      assert.deepEqual(stats?.dropped, { invalid: 1 });
      assert.equal(stats?.pending, 0);
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine("init() again with the same clientName keeps buffered rows", async (engine) => {
  const db = await cpuTable(engine);
  const clientName = uniqueClient("reinit");
  const first = connect(engine, clientName, { password: "wrong" });
  try {
    const cpu = tusk.metric({ table: `${db}.cpu`, clientName });
    cpu.write({ region: "Tokyo", instance_id: "ABC", usage: 0.43 });
    const second = connect(engine, clientName);
    assert.equal(second, first, "the same client, reconfigured");
    assert.equal(tusk.getClient(clientName), second);
    await tusk.flush();
    const rows = await selectRows(engine, `SELECT region FROM ${db}.cpu`);
    assert.deepEqual(rows, [{ region: "Tokyo" }]);
  } finally {
    await tusk.close();
  }
});

forEachEngine(
  "metric() fills a String column a row leaves out from TUSK_<COLUMN>",
  async (engine) => {
    const db = await freshDatabase(engine, "envtag");
    await sql(engine, `CREATE TABLE ${db}.t (host String, region String, v UInt8) ENGINE = Memory`);
    const clientName = uniqueClient("env");
    connect(engine, clientName, { env: { TUSK_HOST: "box-1", TUSK_REGION: "eu", REGION: "bare" } });
    try {
      const t = tusk.metric({ table: `${db}.t`, clientName });
      t.write({ v: 1 });
      t.write({ v: 2, region: "given" });
      await t.flush();
      const rows = await selectRows(engine, `SELECT host, region, v FROM ${db}.t ORDER BY v`);
      assert.deepEqual(rows, [
        { host: "box-1", region: "eu", v: 1 },
        { host: "box-1", region: "given", v: 2 },
      ]);
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine(
  "metric() fills TUSK_<COLUMN> env tags also for a row that gives its own time",
  async (engine) => {
    const db = await freshDatabase(engine, "envtime");
    await sql(
      engine,
      `CREATE TABLE ${db}.t (datetime DateTime, host String, region String, v UInt8) ENGINE = Memory`,
    );
    const clientName = uniqueClient("envtime");
    connect(engine, clientName, { env: { TUSK_HOST: "box-1", TUSK_REGION: "eu" } });
    try {
      const t = tusk.metric({ table: `${db}.t`, clientName });
      const time = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
      t.write({ v: 1, datetime: time });
      t.write({ v: 2, datetime: time, region: "given" });
      await t.flush();
      const rows = await selectRows(
        engine,
        `SELECT toUnixTimestamp(datetime) AS s, host, region, v FROM ${db}.t ORDER BY v`,
      );
      const s = time.getTime() / 1000;
      assert.deepEqual(rows, [
        { s, host: "box-1", region: "eu", v: 1 },
        { s, host: "box-1", region: "given", v: 2 },
      ]);
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine(
  'metric() with envTags "bare" reads the bare column name, as the original did',
  async (engine) => {
    const db = await freshDatabase(engine, "envbare");
    await sql(engine, `CREATE TABLE ${db}.t (region String, v UInt8) ENGINE = Memory`);
    const clientName = uniqueClient("bare");
    connect(engine, clientName, {
      env: { REGION: "bare", TUSK_REGION: "prefixed" },
      envTags: "bare",
    });
    try {
      const t = tusk.metric({ table: `${db}.t`, clientName });
      t.write({ v: 1 });
      await t.flush();
      assert.deepEqual(await selectRows(engine, `SELECT region FROM ${db}.t`), [{
        region: "bare",
      }]);
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine(
  "a metric made before close() keeps working after init() connects again",
  async (engine) => {
    const db = await cpuTable(engine);
    const clientName = uniqueClient("reopen");
    connect(engine, clientName);
    const cpu = tusk.metric({ table: `${db}.cpu`, clientName });
    try {
      cpu.write({ region: "Tokyo", instance_id: "ABC", usage: 0.43 });
      await tusk.close();
      assert.equal(tusk.getClient(clientName), undefined, "close() released the client");
      cpu.write({ region: "Seoul", instance_id: "XYZ", usage: 0.22 }); // held until init
      connect(engine, clientName);
      await cpu.flush();
      const rows = await selectRows(engine, `SELECT region FROM ${db}.cpu ORDER BY region`);
      assert.deepEqual(rows, [{ region: "Seoul" }, { region: "Tokyo" }]);
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine(
  "a second metric asking other batching for the same table is told the first one's",
  async (engine) => {
    const db = await cpuTable(engine);
    const clientName = uniqueClient("batchwarn");
    const reported: Error[] = [];
    connect(engine, clientName, { onError: (e) => reported.push(e) });
    try {
      tusk.metric({ table: `${db}.cpu`, clientName, batching: { period: 5 } });
      tusk.metric({ table: `${db}.cpu`, clientName, batching: { period: 5 } }); // the same: fine
      assert.equal(reported.length, 0);
      tusk.metric({ table: `${db}.cpu`, clientName, batching: { period: 60 } });
      assert.equal(reported.length, 1);
      assert.match(
        reported[0]!.message,
        new RegExp(
          `^Cannot apply batching \\{"period":60\\} to "${db}\\.cpu": the table already batches by \\{"period":5\\}`,
        ),
      );
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine(
  'one table spelled two ways ("cpu" and "<database>.cpu") has one buffer and one stats entry',
  async (engine) => {
    const db = await cpuTable(engine);
    const clientName = uniqueClient("spelling");
    connect(engine, clientName, { database: db });
    try {
      const short = tusk.metric({ table: "cpu", clientName });
      const long = tusk.metric({ table: `${db}.cpu`, clientName });
      short.write({ region: "a", usage: 1 });
      long.write({ region: "b", usage: 2 });
      const keys = Object.keys(tusk.stats()).filter((k) => k.startsWith(`${clientName}/`));
      assert.deepEqual(keys, [`${clientName}/${db}.cpu`]);
      assert.equal(tusk.stats()[`${clientName}/${db}.cpu`]?.pending, 2, "both rows in one buffer");
      await short.flush(); // sends the other spelling's row too
      assert.equal(tusk.stats()[`${clientName}/${db}.cpu`]?.written, 2);
      const rows = await selectRows<{ region: string }>(
        engine,
        `SELECT region FROM ${db}.cpu ORDER BY region`,
      );
      assert.deepEqual(rows.map((r) => r.region), ["a", "b"]);
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine(
  "metric() arms no batching timer where timers cannot run in the background",
  async (engine) => {
    const db = await cpuTable(engine);
    const clientName = uniqueClient("notimer");
    const clock = new tusk.FakeClock(Date.now(), { backgroundTimers: false }); // as in Workers
    connect(engine, clientName, { clock });
    try {
      const cpu = tusk.metric({ table: `${db}.cpu`, clientName });
      await cpu.ready();
      cpu.write({ region: "Tokyo", instance_id: "ABC", usage: 0.43 });
      assert.equal(clock.pendingTimers, 0, "nothing would outlive the request");
      await tusk.flush(); // what ctx.waitUntil(tusk.flush()) does
      assert.deepEqual(await selectRows(engine, `SELECT region FROM ${db}.cpu`), [{
        region: "Tokyo",
      }]);
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine(
  "init() again with the same target reads no schema or server facts again",
  async (engine) => {
    const db = await cpuTable(engine);
    const clientName = uniqueClient("sameinit");
    const queries: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const body = typeof init?.body === "string" ? init.body : "";
      const url = new URL(input instanceof Request ? input.url : String(input));
      queries.push((url.searchParams.get("query") ?? body).split("\n")[0]!);
      return await fetch(input, init);
    };
    const options = { fetch: recording, env: { TUSK_REGION: "eu" } };
    try {
      for (let request = 0; request < 3; request++) {
        // As a Worker does on every request, with a fresh copy of its env.
        connect(engine, clientName, { ...options, env: { ...options.env } });
        tusk.metric({ table: `${db}.cpu`, clientName }).write({
          instance_id: `r${request}`,
          usage: 0.1,
        });
        await tusk.getClient(clientName)!.flush();
      }
      const describes = queries.filter((q) => q.includes("system.columns")).length;
      const inserts = queries.filter((q) => q.startsWith("INSERT")).length;
      assert.equal(describes, 1, queries.join("\n"));
      assert.equal(inserts, 3);
      const rows = await selectRows(engine, `SELECT region FROM ${db}.cpu`);
      assert.deepEqual(rows, [{ region: "eu" }, { region: "eu" }, { region: "eu" }]);
      connect(engine, clientName, { ...options, env: { TUSK_REGION: "us" } }); // env changed
      tusk.metric({ table: `${db}.cpu`, clientName }).write({ instance_id: "r3", usage: 0.1 });
      await tusk.getClient(clientName)!.flush();
      assert.equal(queries.filter((q) => q.includes("system.columns")).length, 2, "read again");
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine(
  "metric().write() refuses a Map, an array or a class instance, naming the table and the kind",
  async (engine) => {
    const db = await cpuTable(engine);
    const clientName = uniqueClient("kinds");
    connect(engine, clientName);
    try {
      const cpu = tusk.metric({ table: `${db}.cpu`, clientName });
      const refuses = (row: unknown, kind: string) =>
        assert.throws(() => cpu.write(row as Record<string, unknown>), (e: unknown) => {
          assert.ok(e instanceof TypeError);
          assert.equal(
            e.message,
            `Cannot write to "${db}.cpu": a row must be a plain object ({ column: value }), got ${kind}`,
          );
          return true;
        });
      class Sample {
        region = "Tokyo";
      }
      // Before the schema is known, and after.
      for (const when of ["before", "after"]) {
        if (when === "after") await cpu.ready();
        refuses(new Map([["region", "Tokyo"]]), "a Map");
        refuses([{ region: "Tokyo" }], "an array");
        refuses(new Sample(), "a Sample");
        refuses(new Date(), "a Date");
        refuses(null, "null");
        refuses(42, "a number (42)");
      }
      await cpu.flush();
      const [{ n }] = await selectRows<{ n: string }>(engine, `SELECT count() AS n FROM ${db}.cpu`);
      assert.equal(Number(n), 0, "nothing was stored");
      assert.equal(tusk.stats()[`${clientName}/${db}.cpu`]?.pending ?? 0, 0);
    } finally {
      await tusk.close();
    }
  },
);
