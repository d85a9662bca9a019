// The example Worker (examples/worker/), bundled with esbuild and run in workerd by miniflare,
// writing into a real engine on loopback; rows are read back after the responses were sent.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { docExample } from "../_shared/docs.mjs";
import { bundleHarness, startWorker } from "../_shared/workerd.mjs";
import { countRows, dropDatabase, selectRows, sql, testEngines } from "../_shared/engines.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

async function tables(engine, db) {
  const time = engine.modern ? "DateTime64(3)" : "DateTime";
  const ddl = {
    requests: `path String, method String, status UInt16, datetime ${time}`,
    hits: "path String, datetime DateTime, count UInt64",
    heartbeats: `app String, datetime ${time}, task String, sequence UInt32, expiry ${time}`,
    logs: `app String, datetime ${time}, level Int8, logger String, line UInt32, error String, ` +
      "message String, stacktrace String",
  };
  for (const [name, columns] of Object.entries(ddl)) {
    await sql(engine, `CREATE TABLE ${db}.${name} (${columns}) ENGINE = Memory`);
  }
}

async function waitFor(what, condition, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value.ok) return value;
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const engines = testEngines();
const script = await bundleHarness();

test("the README's Worker example is examples/worker/ as tested here", () => {
  for (const file of ["worker.ts", "wrangler.toml"]) {
    const source = readFileSync(join(root, "examples", "worker", file), "utf8");
    assert.equal(docExample(file), source, `README.md and examples/worker/${file}`);
  }
});

test("engines are given (TUSK_TEST_CH18_URL / TUSK_TEST_CHDB_URL)", () => {
  assert.ok(engines.length > 0, "run through `npm test`, or export the engines' URLs");
});

for (const engine of engines) {
  for (const asyncInsert of engine.modern ? [false, true] : [false]) {
    const label = `workerd [${engine.name}${asyncInsert ? ", asyncInsert" : ""}]`;
    describe(label, () => {
      let worker;
      let mf;
      let db;
      const rows = (table, where) => countRows(engine, `${db}.${table}`, where);
      before(async () => {
        db = `tusk_rt_workers_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
        await sql(engine, `CREATE DATABASE ${db}`);
        await tables(engine, db);
        worker = await startWorker(script, engine, { database: db, asyncInsert });
        mf = worker.mf;
      });
      after(async () => {
        await worker?.dispose();
        await dropDatabase(engine, db);
      });

      const stats = async () => (await mf.dispatchFetch("http://worker/__stats")).json();

      test("many requests in one isolate: every row arrives after its response, one client, no growth", async () => {
        const sequential = 30;
        const concurrent = 30;
        for (let i = 0; i < sequential; i++) {
          const res = await mf.dispatchFetch(`http://worker/seq/${i % 3}`);
          assert.equal(await res.text(), "ok\n");
        }
        const before = await stats();
        const answers = await Promise.all(
          Array.from(
            { length: concurrent },
            (_, i) => mf.dispatchFetch(`http://worker/par/${i % 5}`),
          ),
        );
        for (const res of answers) assert.equal(await res.text(), "ok\n");
        const total = sequential + concurrent;
        const found = await waitFor("every row", async () => {
          const counts = {
            requests: await rows("requests"),
            hits: Number((await selectRows(engine, `SELECT sum(count) AS s FROM ${db}.hits`))[0].s),
            logs: await rows("logs"),
            console: await rows("logs", "message LIKE 'Handled GET %' AND level = 4"),
          };
          const ok = counts.requests === total && counts.hits === total &&
            counts.logs === 2 * total;
          return { ok, ...counts };
        });
        assert.equal(found.console, total, "console.log captured in the Worker");
        const after = await waitFor("pending back to 0", async () => {
          const s = await stats();
          return { ok: Object.values(s.stats).every((t) => t.pending === 0), ...s };
        });
        assert.equal(after.clients, 1, "one client however many requests called init()");
        assert.deepEqual(Object.keys(after.stats).sort(), Object.keys(before.stats).sort());
        assert.deepEqual(
          Object.keys(after.stats).filter((key) => !key.startsWith("module_scope/")).sort(),
          [`${db}.hits`, `${db}.logs`, `${db}.requests`].sort(),
          "one writer per table",
        );
        for (const [table, s] of Object.entries(after.stats)) {
          assert.equal(s.failedBatches ?? 0, 0, `${table}: ${JSON.stringify(s)}`);
        }
        if (asyncInsert) {
          assert.ok(after.inserts.length > 0, JSON.stringify(after.inserts.slice(0, 8)));
          for (const search of after.inserts) {
            assert.match(search, /[?&]async_insert=1(&|$)/);
            assert.match(search, /[?&]wait_for_async_insert=1(&|$)/);
          }
        }
        console.log(
          `[workers] ${label}: ${total} requests -> rows read back ${JSON.stringify(found)}`,
        );
      });

      test("a flush that starts while rows still arrive loses none of them", async () => {
        const res = await mf.dispatchFetch("http://worker/__stream");
        assert.equal(await res.text(), "ok\n");
        const found = await waitFor("the streamed rows", async () => {
          const n = await rows("requests", "method = 'STREAM'");
          return { ok: n === 20, streamed: n };
        });
        console.log(`[workers] ${label}: flush while writing -> ${found.streamed} rows read back`);
      });

      test("metrics and counters made at the top of the module work once init() runs", async () => {
        const res = await mf.dispatchFetch("http://worker/__module_scope");
        assert.equal(await res.text(), "ok\n");
        const found = await waitFor("the module-scope rows", async () => {
          const requests = await rows("requests", "method = 'MODULE'");
          const hits = Number(
            (await selectRows(
              engine,
              `SELECT sum(count) AS s FROM ${db}.hits WHERE path = '/__module_scope'`,
            ))[0].s,
          );
          return { ok: requests === 1 && hits === 5, requests, hits };
        });
        console.log(
          `[workers] ${label}: module-scope metric and counter -> ${JSON.stringify(found)}`,
        );
      });

      test("nothing is registered on Workers: no exit or signal hook, even with nodejs_compat", async () => {
        const hooks = await (await mf.dispatchFetch("http://worker/__hooks")).json();
        assert.deepEqual(hooks, { process: true, listeners: 0 });
      });

      test('compression: "gzip" works in workerd: the insert goes out gzipped and its rows arrive', async () => {
        const { gzipped } = await (await mf.dispatchFetch("http://worker/__gzip")).json();
        assert.ok(gzipped >= 1, `gzipped requests: ${gzipped}`);
        assert.equal(await rows("requests", "method = 'GZIP'"), 300);
        console.log(`[workers] ${label}: 300 rows gzipped -> read back`);
      });

      test("url: [a dead endpoint, the server]: each request's flush fails over, and every row arrives", async () => {
        const dead = "http://127.0.0.1:9"; // discard: nothing listens there
        for (let i = 0; i < 3; i++) {
          const res = await mf.dispatchFetch(
            `http://worker/__failover?client=failover&dead=${dead}`,
          );
          const table = await res.json();
          assert.equal(table.pending, 0, JSON.stringify(table));
          assert.deepEqual(table.endpoints.map((e) => e.url), [dead, engine.url]);
          assert.equal(table.endpoints[0].state, "down");
          assert.equal(table.endpoints[1].failures, 0);
        }
        assert.equal(await rows("requests", "method = 'FAILOVER'"), 30);
      });

      test("the Cron Trigger's scheduled handler beats", async () => {
        const worker = await mf.getWorker();
        for (let i = 0; i < 2; i++) {
          await worker.scheduled({ cron: "*/5 * * * *", scheduledTime: new Date() });
        }
        const found = await waitFor("the beats", async () => {
          const beats = await selectRows(
            engine,
            `SELECT task, sequence FROM ${db}.heartbeats ORDER BY task, sequence`,
          );
          return { ok: beats.length === 4, beats };
        });
        assert.deepEqual(found.beats.map((b) => b.task), ["cron", "cron", "main", "main"]);
        console.log(
          `[workers] ${label}: 2 scheduled events -> ${found.beats.length} beats read back`,
        );
      });
    });
  }
}
