// The TypeScript sources, run by Bun, write every row kind into each engine.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as tusk from "../../../mod.ts";
import * as counter from "../../../src/counter/mod.ts";
import * as heartbeat from "../../../src/heartbeat/mod.ts";
import * as logging from "../../../src/logging/mod.ts";
import { dropDatabase, freshDatabase, testEngines } from "../_shared/engines.mjs";
import { EXPECTED, writeEveryKind, writeGzipped } from "../_shared/scenario.mjs";

const engines = testEngines();

test("engines are given (TUSK_TEST_CH18_URL / TUSK_TEST_CHDB_URL)", () => {
  expect(engines.length).toBeGreaterThan(0);
});

for (const engine of engines) {
  describe(`Bun ${process.versions.bun} [${engine.name}]`, () => {
    let db = "";
    beforeAll(async () => {
      db = await freshDatabase(engine, "bun");
    });
    afterAll(() => dropDatabase(engine, db));

    test("metric, counter, heartbeat and logging rows reach ClickHouse", async () => {
      const lib = { tusk, counter, heartbeat, logging };
      const { errors, ...counts } = await writeEveryKind(lib, engine, db, `bun-${engine.name}`);
      expect(errors).toEqual([]);
      expect(counts).toEqual(EXPECTED);
      console.log(`[bun] ${engine.name}: rows read back ${JSON.stringify(counts)}`);
    }, 30_000);

    test('compression: "gzip" sends the insert gzipped and its rows arrive', async () => {
      const found = await writeGzipped({ tusk }, engine, db, `bun-gzip-${engine.name}`);
      expect(found).toEqual({ gzipped: 1, rows: 300 });
    }, 30_000);
  });
}
