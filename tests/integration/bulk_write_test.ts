// Bulk loads with default options: writeAll() and writable() never drop; a plain
// synchronous write() loop accounts for every row (stored + dropped = written); a
// loop that yields now and then loses nothing.
import assert from "node:assert/strict";
import * as tusk from "../../mod.ts";
import { freshDatabase, selectRows, sql, type TestEngine } from "../_helpers/engines.ts";
import { connect, forEachEngine, uniqueClient } from "../_helpers/for_each_engine.ts";
import { FaultProxy } from "./faults/_proxy.ts";

const N = 1_000_000;

async function rowsTable(engine: TestEngine): Promise<string> {
  const db = await freshDatabase(engine, "bulk");
  const time = engine.modern ? "DateTime64(3)" : "DateTime";
  await sql(
    engine,
    `CREATE TABLE ${db}.rows (id UInt32, at ${time}, region String, usage Float64) ` +
      "ENGINE = MergeTree ORDER BY id",
  );
  return `${db}.rows`;
}

function* rows(from: number, to: number): Generator<Record<string, unknown>> {
  for (let id = from; id < to; id++) yield { id, region: "Tokyo", usage: id / 1000 };
}

async function* someWithABadRow(): AsyncGenerator<Record<string, unknown>> {
  yield* rows(0, 10);
  yield { id: 10, usage: "high" };
  yield* rows(11, 20);
}

async function stored(engine: TestEngine, table: string): Promise<{ rows: number; ids: number }> {
  const [row] = await selectRows<{ n: string | number; u: string | number }>(
    engine,
    `SELECT count() AS n, uniqExact(id) AS u FROM ${table}`,
  );
  return { rows: Number(row!.n), ids: Number(row!.u) };
}

function statsOf(clientName: string, table: string): tusk.TableStats {
  const s = tusk.stats()[`${clientName}/${table}`];
  assert.ok(s, `stats of ${table}`);
  return s;
}

function droppedTotal(s: tusk.TableStats): number {
  return Object.values(s.dropped).reduce((a, b) => a + b, 0);
}

forEachEngine(
  "Metric.writeAll() stores 1,000,000 rows once with default options",
  async (engine) => {
    const table = await rowsTable(engine);
    const clientName = uniqueClient("bulk");
    connect(engine, clientName);
    try {
      const m = tusk.metric({ table, clientName });
      await m.writeAll(rows(0, N));
      await m.flush();
      assert.deepEqual(await stored(engine, table), { rows: N, ids: N });
      const s = statsOf(clientName, table);
      assert.equal(s.received, N);
      assert.equal(s.written, N);
      assert.deepEqual(s.dropped, {});
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine(
  "Metric.writeAll() takes an AsyncIterable and rejects naming the bad row",
  async (engine) => {
    const table = await rowsTable(engine);
    const clientName = uniqueClient("bulk");
    connect(engine, clientName);
    try {
      const m = tusk.metric({ table, clientName });
      await assert.rejects(m.writeAll(someWithABadRow()), (e: unknown) => {
        assert.ok(e instanceof tusk.TuskValidationError);
        assert.match(e.message, /column "usage".*\(row 10 of writeAll\)/);
        return true;
      });
      await m.flush();
      assert.deepEqual(await stored(engine, table), { rows: 10, ids: 10 }, "the rows before it");
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine("Metric.writable() takes rows from pipeTo and flushes on close", async (engine) => {
  const table = await rowsTable(engine);
  const clientName = uniqueClient("bulk");
  connect(engine, clientName);
  try {
    const m = tusk.metric({ table, clientName });
    await ReadableStream.from(rows(0, 50_000)).pipeTo(m.writable());
    assert.deepEqual(await stored(engine, table), { rows: 50_000, ids: 50_000 });
  } finally {
    await tusk.close();
  }
});

forEachEngine(
  "a write() loop of 1,000,000 rows with defaults accounts for every row and flush() does not reject",
  async (engine) => {
    const table = await rowsTable(engine);
    const clientName = uniqueClient("bulk");
    connect(engine, clientName);
    try {
      const m = tusk.metric({ table, clientName });
      for (const row of rows(0, N)) m.write(row); // the schema is not known yet
      await m.flush();
      const s = statsOf(clientName, table);
      const { rows: inTable, ids } = await stored(engine, table);
      assert.equal(ids, inTable, "no row twice");
      assert.equal(s.received, N);
      assert.equal(s.pending, 0);
      assert.equal(s.written, inTable);
      assert.equal(s.written + droppedTotal(s), N, "stored + dropped = written");
      assert.ok(inTable > 0, "rows were stored");
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine(
  "a write() loop yielding every 10,000 rows stores all 1,000,000 with defaults",
  async (engine) => {
    const table = await rowsTable(engine);
    const clientName = uniqueClient("bulk");
    connect(engine, clientName);
    try {
      const m = tusk.metric({ table, clientName });
      for (let from = 0; from < N; from += 10_000) {
        for (const row of rows(from, from + 10_000)) m.write(row);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      await tusk.flush();
      assert.deepEqual(await stored(engine, table), { rows: N, ids: N });
      assert.deepEqual(statsOf(clientName, table).dropped, {});
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine(
  "Metric.writeAll() waits out ClickHouse being away while it reads the schema, then stores every row",
  async (engine) => {
    const table = await rowsTable(engine);
    const proxy = FaultProxy.start(engine.url, { kind: "refuse" });
    const clientName = uniqueClient("bulk");
    const reported: Error[] = [];
    connect(engine, clientName, { url: proxy.url, onError: (e) => reported.push(e) });
    try {
      const m = tusk.metric({ table, clientName });
      const writing = m.writeAll(rows(0, 20_000));
      await new Promise((r) => setTimeout(r, 1500)); // refused meanwhile: nothing given up
      assert.ok(reported.length > 0, "the outage is reported");
      proxy.mode = { kind: "pass" };
      await writing;
      await m.flush();
      assert.deepEqual(await stored(engine, table), { rows: 20_000, ids: 20_000 });
      assert.deepEqual(statsOf(clientName, table).dropped, {});
    } finally {
      await tusk.close();
      proxy.close();
    }
  },
);

forEachEngine("Metric.writeAll() into a missing table rejects naming it", async (engine) => {
  const db = await freshDatabase(engine, "bulk");
  const clientName = uniqueClient("bulk");
  connect(engine, clientName, { onError: () => {} });
  try {
    const m = tusk.metric({ table: `${db}.nowhere`, clientName });
    await assert.rejects(m.writeAll(rows(0, 10)), (e: unknown) => {
      assert.ok(e instanceof tusk.TuskClickHouseError);
      assert.match(e.message, new RegExp(`"${db}\\.nowhere".*does not exist`));
      return true;
    });
  } finally {
    await tusk.close();
  }
});

forEachEngine(
  "Metric.writeAll() with a small buffer waits while inserts are refused, dropping nothing",
  async (engine) => {
    const table = await rowsTable(engine);
    const proxy = FaultProxy.start(engine.url);
    const clientName = uniqueClient("bulk");
    connect(engine, clientName, {
      url: proxy.url,
      buffer: { maxBytes: 200_000 }, // about 3,000 rows: the 20,000 cannot all wait at once
      onError: () => {},
    });
    try {
      const m = tusk.metric({ table, clientName });
      await m.ready();
      proxy.mode = { kind: "refuse" };
      let done = false;
      const writing = m.writeAll(rows(0, 20_000)).then(() => (done = true));
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(done, false, "writeAll waits for room while nothing can be sent");
      assert.ok(tusk.getClient(clientName) !== undefined);
      proxy.mode = { kind: "pass" };
      await writing;
      await m.flush();
      assert.deepEqual(await stored(engine, table), { rows: 20_000, ids: 20_000 });
      assert.deepEqual(statsOf(clientName, table).dropped, {});
    } finally {
      await tusk.close();
      proxy.close();
    }
  },
);
