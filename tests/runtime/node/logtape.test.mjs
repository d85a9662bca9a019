// The LogTape sink under Node, through the built module (dist/: `node tools/build_npm.mjs`
// first) and LogTape's own `configure()`: rows land in both engines, and messages hold values as
// LogTape's text formatter renders them under Node (util.inspect: strings in single quotes).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { configure, dispose, getLogger, getTextFormatter, reset } from "@logtape/logtape";
import { dropDatabase, freshDatabase, selectRows, sql, testEngines } from "../_shared/engines.mjs";

const tusk = await import("../../../dist/mod.js");
const { getClickHouseSink } = await import("../../../dist/logtape.js");

const engines = testEngines();
test("engines are given (TUSK_TEST_CH18_URL / TUSK_TEST_CHDB_URL)", () => {
  assert.ok(engines.length > 0, "run through `npm test`, or export the engines' URLs");
});

// LogTape's text formatter reduced to the message (control characters kept, as the sink does).
const logtapeMessage = getTextFormatter({
  timestamp: "disabled",
  sanitize: false,
  format: ({ message }) => message,
});

for (const engine of engines) {
  describe(`Node ${process.version} LogTape sink [${engine.name}]`, () => {
    let db;
    before(async () => {
      db = await freshDatabase(engine, "node_logtape");
      const time = engine.modern ? "DateTime64(3)" : "DateTime";
      const properties = engine.modern ? "Map(String, String)" : "String";
      await sql(
        engine,
        `CREATE TABLE ${db}.logtape (app String, datetime ${time}, level Int8, logger String, ` +
          `line UInt32, error String, message String, stacktrace String, properties ${properties}) ` +
          "ENGINE = Memory",
      );
    });
    after(() => dropDatabase(engine, db));

    test("configure() with the sink; dispose() delivers every record as a row", async () => {
      const clientName = `node-logtape-${engine.name}`;
      tusk.init({ url: engine.url, user: engine.user, password: engine.password, clientName });
      const seen = [];
      await configure({
        sinks: {
          clickhouse: getClickHouseSink({
            table: `${db}.logtape`,
            appName: "node_app",
            clientName,
          }),
          seen: (record) => void seen.push(record),
        },
        loggers: [
          { category: "node_app", lowestLevel: "trace", sinks: ["clickhouse", "seen"] },
          { category: ["logtape", "meta"], lowestLevel: "fatal", sinks: [] },
        ],
      });
      try {
        const logger = getLogger(["node_app", "jobs"]);
        logger.trace("tick");
        logger.info("Job {job} took {ms} ms", { job: "resize", ms: 12.5, tags: ["a", "b"] });
        logger.warn("cart {cart}", { cart: { items: [1, 2], owner: { name: "bo" } } });
        logger.error(new TypeError("bad input"));
        await dispose();
      } finally {
        await reset();
        await tusk.close();
      }
      const rows = await selectRows(
        engine,
        `SELECT level, logger, line, message, error, stacktrace, properties, datetime FROM ${db}.logtape ORDER BY level DESC`,
      );
      assert.deepEqual(
        rows.map((r) => [r.level, r.logger, r.line, r.message, r.error]),
        [
          [5, "node_app.jobs", 0, "tick", ""],
          [4, "node_app.jobs", 0, "Job 'resize' took 12.5 ms", ""],
          [3, "node_app.jobs", 0, "cart { items: [ 1, 2 ], owner: { name: 'bo' } }", ""],
          [2, "node_app.jobs", 0, "'bad input'", "TypeError"],
        ],
      );
      // The same text LogTape's own formatter makes of the same records.
      const byLevel = { trace: 5, info: 4, warning: 3, error: 2 };
      for (const record of seen) {
        const row = rows.find((r) => r.level === byLevel[record.level]);
        assert.equal(row.message, logtapeMessage(record).replace(/\n$/, ""));
      }
      assert.match(rows[3].stacktrace, /^TypeError: bad input\n\s+at /);
      const props = engine.modern ? rows[1].properties : JSON.parse(rows[1].properties);
      assert.deepEqual(
        props,
        engine.modern
          ? { job: "resize", ms: "12.5", tags: '["a","b"]' }
          : { job: "resize", ms: 12.5, tags: ["a", "b"] },
      );
    });
  });
}
