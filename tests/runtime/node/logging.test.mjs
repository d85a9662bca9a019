// Logging under Node, through the built module (dist/: `node tools/build_npm.mjs` first): rows hold
// what Node's console printed (`%d` of 42.5 is 42.5 here, 42 in Deno and Bun), logger methods
// format their arguments, and ill-formed text is mended rather than dropped.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { format } from "node:util";
import { dropDatabase, freshDatabase, selectRows, testEngines } from "../_shared/engines.mjs";

const tusk = await import("../../../dist/mod.js");
const logging = await import("../../../dist/logging.js");

const engines = testEngines();
test("engines are given (TUSK_TEST_CH18_URL / TUSK_TEST_CHDB_URL)", () => {
  assert.ok(engines.length > 0, "run through `npm test`, or export the engines' URLs");
});

for (const engine of engines) {
  describe(`Node ${process.version} logging [${engine.name}]`, () => {
    let db;
    before(async () => (db = await freshDatabase(engine, "node_log")));
    after(() => dropDatabase(engine, db));

    test("rows hold what Node's console printed; logger methods format too", async () => {
      const clientName = `node-log-${engine.name}`;
      tusk.init({ url: engine.url, user: engine.user, password: engine.password, clientName });
      const calls = [["%d", 42.5], ["%i|%f|%d", null, "0x1F", 1n], ["%s", { a: 1 }], ["%d", -0]];
      const saved = console.log;
      console.log = () => {};
      const handle = logging.init({ table: `${db}.logs`, appName: "node_app", clientName });
      try {
        for (const args of calls) console.log(...args);
        logging.getLogger().warning("with %s", "x");
        console.log("lone surrogate \ud800 here");
      } finally {
        await handle.stop();
        console.log = saved;
        await tusk.close();
      }
      const rows = await selectRows(engine, `SELECT message FROM ${db}.logs`);
      // util.format is what Node's console.log prints.
      const printed = calls.map((args) => format(...args));
      assert.deepEqual(printed, ["42.5", "NaN|0|1n", "{ a: 1 }", "-0"]);
      assert.deepEqual(
        rows.map((r) => r.message).sort(),
        [
          ...printed,
          "with x",
          "lone surrogate \uFFFD here",
        ].sort(),
      );
    });
  });
}
