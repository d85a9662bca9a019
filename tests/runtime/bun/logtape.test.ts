// The LogTape sink under Bun, from the TypeScript sources and with LogTape's own `configure()`:
// rows land in both engines, and messages hold values as LogTape's text formatter renders them
// under Bun (its util.inspect: strings in single quotes).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  configure,
  dispose,
  getLogger,
  getTextFormatter,
  type LogRecord,
  reset,
} from "@logtape/logtape";
import * as tusk from "../../../mod.ts";
import { getClickHouseSink } from "../../../src/logtape/mod.ts";
import { dropDatabase, freshDatabase, selectRows, sql, testEngines } from "../_shared/engines.mjs";

const engines = testEngines();

test("engines are given (TUSK_TEST_CH18_URL / TUSK_TEST_CHDB_URL)", () => {
  expect(engines.length).toBeGreaterThan(0);
});

// LogTape's text formatter reduced to the message (control characters kept, as the sink does).
const logtapeMessage = getTextFormatter({
  timestamp: "disabled",
  sanitize: false,
  format: ({ message }) => message,
});

type Row = {
  level: number;
  logger: string;
  line: number;
  message: string;
  error: string;
  stacktrace: string;
  properties: Record<string, string> | string;
};

for (const engine of engines) {
  describe(`Bun ${process.versions.bun} LogTape sink [${engine.name}]`, () => {
    let db = "";
    beforeAll(async () => {
      db = await freshDatabase(engine, "bun_logtape");
      const time = engine.modern ? "DateTime64(3)" : "DateTime";
      const properties = engine.modern ? "Map(String, String)" : "String";
      await sql(
        engine,
        `CREATE TABLE ${db}.logtape (app String, datetime ${time}, level Int8, logger String, ` +
          `line UInt32, error String, message String, stacktrace String, properties ${properties}) ` +
          "ENGINE = Memory",
      );
    });
    afterAll(() => dropDatabase(engine, db));

    test("configure() with the sink; dispose() delivers every record as a row", async () => {
      const clientName = `bun-logtape-${engine.name}`;
      tusk.init({ url: engine.url, user: engine.user, password: engine.password, clientName });
      const seen: LogRecord[] = [];
      await configure({
        sinks: {
          clickhouse: getClickHouseSink({ table: `${db}.logtape`, appName: "bun_app", clientName }),
          seen: (record) => void seen.push(record),
        },
        loggers: [
          { category: "bun_app", lowestLevel: "trace", sinks: ["clickhouse", "seen"] },
          { category: ["logtape", "meta"], lowestLevel: "fatal", sinks: [] },
        ],
      });
      try {
        const logger = getLogger(["bun_app", "jobs"]);
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
        `SELECT level, logger, line, message, error, stacktrace, properties FROM ${db}.logtape ORDER BY level DESC`,
      ) as Row[];
      expect(rows.map((r) => [r.level, r.logger, r.line, r.error])).toEqual([
        [5, "bun_app.jobs", 0, ""],
        [4, "bun_app.jobs", 0, ""],
        [3, "bun_app.jobs", 0, ""],
        [2, "bun_app.jobs", 0, "TypeError"],
      ]);
      expect(rows[1]!.message).toBe("Job 'resize' took 12.5 ms");
      // The same text LogTape's own formatter makes of the same records.
      const byLevel: Record<string, number> = { trace: 5, info: 4, warning: 3, error: 2 };
      for (const record of seen) {
        const row = rows.find((r) => r.level === byLevel[record.level])!;
        expect(row.message).toBe(logtapeMessage(record).replace(/\n$/, ""));
      }
      expect(rows[3]!.stacktrace).toMatch(/^TypeError: bad input\n\s+at /);
      const props = engine.modern ? rows[1]!.properties : JSON.parse(rows[1]!.properties as string);
      expect(props).toEqual(
        engine.modern
          ? { job: "resize", ms: "12.5", tags: '["a","b"]' }
          : { job: "resize", ms: 12.5, tags: ["a", "b"] },
      );
    }, 30_000);
  });
}
