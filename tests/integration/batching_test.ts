import assert from "node:assert/strict";
import * as tusk from "../../mod.ts";
import { freshDatabase, selectRows, sql, type TestEngine } from "../_helpers/engines.ts";
import { connect, forEachEngine, uniqueClient, waitFor } from "../_helpers/for_each_engine.ts";

async function eventsTable(engine: TestEngine): Promise<string> {
  const db = await freshDatabase(engine, "batching");
  await sql(
    engine,
    `CREATE TABLE ${db}.events (id UInt32, at DateTime, note String) ENGINE = MergeTree ORDER BY id`,
  );
  return `${db}.events`;
}

async function count(engine: TestEngine, table: string): Promise<number> {
  const [row] = await selectRows<{ n: string | number }>(
    engine,
    `SELECT count() AS n FROM ${table}`,
  );
  return Number(row!.n);
}

function start(
  engine: TestEngine,
  batching: tusk.BatchingOptions,
): { clock: tusk.FakeClock; clientName: string } {
  const clock = new tusk.FakeClock(Date.UTC(2022, 2, 10, 6, 42, 42));
  const clientName = uniqueClient("batch");
  connect(engine, clientName, { clock, batching });
  return { clock, clientName };
}

forEachEngine("metric() sends a batch when maxRows is reached", async (engine) => {
  const table = await eventsTable(engine);
  const { clientName } = start(engine, { maxRows: 3, period: 3600 });
  try {
    const events = tusk.metric({ table, clientName });
    await events.ready();
    events.write({ id: 1 });
    events.write({ id: 2 });
    assert.equal(tusk.stats()[`${clientName}/${table}`]?.pending, 2);
    events.write({ id: 3 }); // full: sent without waiting for the period
    await waitFor(() => tusk.stats()[`${clientName}/${table}`]?.written === 3, "3 rows written");
    assert.equal(await count(engine, table), 3);
    events.write({ id: 4 });
    assert.equal(
      tusk.stats()[`${clientName}/${table}`]?.pending,
      1,
      "the 4th waits for the period",
    );
  } finally {
    await tusk.close();
  }
});

forEachEngine("metric() sends a batch when maxBytes is reached", async (engine) => {
  const table = await eventsTable(engine);
  const { clientName } = start(engine, { maxBytes: 250, period: 3600 });
  try {
    const events = tusk.metric({ table, clientName });
    await events.ready();
    const note = "x".repeat(60); // each line is about 100 bytes
    events.write({ id: 1, note });
    events.write({ id: 2, note });
    assert.equal(tusk.stats()[`${clientName}/${table}`]?.written, 0);
    events.write({ id: 3, note });
    await waitFor(() => tusk.stats()[`${clientName}/${table}`]?.written === 3, "3 rows written");
    assert.equal(await count(engine, table), 3);
  } finally {
    await tusk.close();
  }
});

forEachEngine("metric() sends a batch when the period passes (fake clock)", async (engine) => {
  const table = await eventsTable(engine);
  const { clock, clientName } = start(engine, { period: 60 });
  try {
    const events = tusk.metric({ table, clientName });
    await events.ready();
    events.write({ id: 1 });
    events.write({ id: 2 });
    await clock.tick(59_000);
    assert.equal(await count(engine, table), 0, "nothing sent before the period");
    await clock.tick(1_000);
    await waitFor(() => tusk.stats()[`${clientName}/${table}`]?.written === 2, "2 rows written");
    const rows = await selectRows<{ id: number; at: string | number }>(
      engine,
      `SELECT id, toUnixTimestamp(at) AS at FROM ${table} ORDER BY id`,
    );
    assert.deepEqual(rows.map((r) => [r.id, Number(r.at)]), [[1, 1646894562], [2, 1646894562]]);
  } finally {
    await tusk.close();
  }
});

forEachEngine(
  "flush() calls during a flush lose nothing and send nothing twice",
  async (engine) => {
    const table = await eventsTable(engine);
    const { clientName } = start(engine, { period: 3600, maxRows: 1000 });
    try {
      const events = tusk.metric({ table, clientName });
      await events.ready();
      let id = 0;
      for (; id < 2500; id++) events.write({ id });
      const first = events.flush();
      for (; id < 4000; id++) events.write({ id }); // written while the first flush runs
      const concurrent = [events.flush(), tusk.flush(), events.flush()];
      for (; id < 4500; id++) events.write({ id });
      await Promise.all([first, ...concurrent]);
      await events.flush();
      const [row] = await selectRows<{ n: string | number; u: string | number }>(
        engine,
        `SELECT count() AS n, uniqExact(id) AS u FROM ${table}`,
      );
      assert.equal(Number(row!.n), 4500, "every row arrived");
      assert.equal(Number(row!.u), 4500, "no row twice");
      assert.equal(tusk.stats()[`${clientName}/${table}`]?.written, 4500);
    } finally {
      await tusk.close();
    }
  },
);
