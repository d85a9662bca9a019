// The built module (dist/, plain ESM for Node 20: `node tools/build_npm.mjs` first) writes every
// row kind into each engine.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { dropDatabase, freshDatabase, testEngines } from "../_shared/engines.mjs";
import { EXPECTED, writeEveryKind, writeGzipped } from "../_shared/scenario.mjs";

const lib = {
  tusk: await import("../../../dist/mod.js"),
  counter: await import("../../../dist/counter.js"),
  heartbeat: await import("../../../dist/heartbeat.js"),
  logging: await import("../../../dist/logging.js"),
};

const engines = testEngines();
test("engines are given (TUSK_TEST_CH18_URL / TUSK_TEST_CHDB_URL)", () => {
  assert.ok(engines.length > 0, "run through `npm test`, or export the engines' URLs");
});

for (const engine of engines) {
  describe(`Node ${process.version} [${engine.name}]`, () => {
    let db;
    before(async () => (db = await freshDatabase(engine, "node")));
    after(() => dropDatabase(engine, db));

    test("metric, counter, heartbeat and logging rows reach ClickHouse", async () => {
      const found = await writeEveryKind(lib, engine, db, `node-${engine.name}`);
      assert.deepEqual(found.errors, []);
      const { errors: _, ...counts } = found;
      assert.deepEqual(counts, EXPECTED);
      console.log(`[node] ${engine.name}: rows read back ${JSON.stringify(counts)}`);
    });

    test('compression: "gzip" sends the insert gzipped and its rows arrive', async () => {
      const found = await writeGzipped(lib, engine, db, `node-gzip-${engine.name}`);
      assert.deepEqual(found, { gzipped: 1, rows: 300 });
    });
  });
}
