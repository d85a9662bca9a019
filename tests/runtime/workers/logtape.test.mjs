// The LogTape sink in workerd: LogTape configured once per isolate (tests/runtime/workers/
// _harness.ts, route `/__logtape`), each request logging and handing LogTape's `dispose()` to
// ctx.waitUntil. The first request's records come before the table's schema is known (a Worker
// reads it only inside a flush); the second's after. Rows are read back after the responses.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { dropDatabase, selectRows, sql, testEngines } from "../_shared/engines.mjs";
import { bundleHarness, startWorker } from "../_shared/workerd.mjs";

const engines = testEngines();
const script = await bundleHarness();

test("engines are given (TUSK_TEST_CH18_URL / TUSK_TEST_CHDB_URL)", () => {
  assert.ok(engines.length > 0, "run through `npm test`, or export the engines' URLs");
});

async function waitForRows(engine, table, count, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await selectRows(
      engine,
      `SELECT level, logger, line, message, error, stacktrace, properties, app FROM ${table} ` +
        "ORDER BY message",
    );
    if (rows.length >= count || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

for (const engine of engines) {
  describe(`workerd LogTape sink [${engine.name}]`, () => {
    let db;
    let worker;
    before(async () => {
      db = `tusk_rt_logtape_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
      await sql(engine, `CREATE DATABASE ${db}`);
      const time = engine.modern ? "DateTime64(3)" : "DateTime";
      const properties = engine.modern ? "Map(String, String)" : "String";
      await sql(
        engine,
        `CREATE TABLE ${db}.logtape (app String, datetime ${time}, level Int8, logger String, ` +
          `line UInt32, error String, message String, stacktrace String, properties ${properties}) ` +
          "ENGINE = Memory",
      );
      worker = await startWorker(script, engine, { database: db });
    });
    after(async () => {
      await worker?.dispose();
      await dropDatabase(engine, db);
    });

    test("records become rows; ctx.waitUntil(drain()) delivers them, schema known or not", async () => {
      const answers = [];
      for (const tag of ["first", "second"]) {
        const res = await worker.mf.dispatchFetch(`http://worker/__logtape?tag=${tag}`);
        assert.equal(res.status, 200);
        answers.push(await res.json());
        // Each request's own drain() delivers its rows: the second starts once the first's arrived.
        await waitForRows(engine, `${db}.logtape`, 3 * answers.length);
      }
      const rows = await waitForRows(engine, `${db}.logtape`, 6);
      assert.equal(rows.length, 6, JSON.stringify(rows));
      // The message column holds what LogTape's own formatter made of each record in the Worker.
      const expected = answers.flatMap((a) => a.messages).sort();
      assert.deepEqual(rows.map((r) => r.message), expected);
      assert.ok(
        expected.includes(`"first": order {\n  "id": 42,\n  "items": [\n    "a"\n  ]\n} paid`),
      );
      for (const row of rows) {
        assert.equal(row.logger, "worker.route");
        assert.equal(row.app, "worker");
        assert.equal(row.line, 0);
      }
      const failed = rows.filter((r) => r.level === 2);
      assert.deepEqual(failed.map((r) => r.error), ["RangeError", "RangeError"]);
      for (const row of failed) assert.match(row.stacktrace, /^RangeError: card declined/);
      const paid = rows.find((r) => r.message.startsWith(`"second": order`));
      const props = engine.modern ? paid.properties : JSON.parse(paid.properties);
      assert.deepEqual(
        props,
        engine.modern
          ? { tag: "second", order: '{"id":42,"items":["a"]}', user: "bo" }
          : { tag: "second", order: { id: 42, items: ["a"] }, user: "bo" },
      );
      assert.equal(worker.stderr(), "", "no uncaught error in the Worker");
    });
  });
}
