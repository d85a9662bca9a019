import assert from "node:assert/strict";
import { configure, dispose, getLogger, reset } from "@logtape/logtape";
import * as tusk from "../../mod.ts";
import { logsTableDdl, otelLogsTableDdl } from "../../src/logging/mod.ts";
import { getClickHouseSink } from "../../src/logtape/mod.ts";
import {
  engineOrSkip,
  freshDatabase,
  selectRows,
  sql,
  type TestEngine,
} from "../_helpers/engines.ts";
import { connect, forEachEngine, uniqueClient } from "../_helpers/for_each_engine.ts";

// The logs table of `logsTableDdl` with a properties column: a Map where the engine has them
// (21.1 and later), else a String holding JSON.
async function logsTable(engine: TestEngine): Promise<{ table: string; map: boolean }> {
  const db = await freshDatabase(engine, "logtape");
  const table = `${db}.logs`;
  await sql(engine, logsTableDdl(table, { modern: engine.modern }));
  const map = engine.modern;
  await sql(
    engine,
    `ALTER TABLE ${table} ADD COLUMN request_id String, ADD COLUMN properties ${
      map ? "Map(LowCardinality(String), String)" : "String"
    }`,
  );
  return { table, map };
}

type Row = {
  category: string;
  app: string;
  datetime: string;
  level: number;
  logger: string;
  line: number;
  error: string;
  message: string;
  stacktrace: string;
  request_id: string;
  properties: Record<string, string> | string;
};

forEachEngine(
  "LogTape records become rows of the logs table, delivered by dispose()",
  async (engine) => {
    const { table, map } = await logsTable(engine);
    const clientName = uniqueClient("logtape");
    connect(engine, clientName, { env: { TUSK_CATEGORY: "demo" } });
    await configure({
      sinks: {
        clickhouse: getClickHouseSink({
          table,
          appName: "my_app",
          clientName,
          contextColumns: { requestId: "request_id" },
        }),
      },
      loggers: [
        { category: "my_app", lowestLevel: "debug", sinks: ["clickhouse"] },
        { category: ["logtape", "meta"], lowestLevel: "fatal", sinks: [] },
      ],
    });
    const before = Date.now();
    try {
      const logger = getLogger(["my_app", "checkout"]);
      logger.trace("not written: below lowestLevel");
      logger.debug("cart {cart}", { cart: ["apple", "pear"] });
      logger.info("Order {orderId} paid by {user}", {
        orderId: 42,
        user: "alice",
        requestId: "r-1",
        amount: 9.5,
      });
      logger.warn`Stock of ${"pear"} is low`;
      logger.error("Payment failed", new RangeError("card declined"));
      logger.fatal("I give up.");
      await dispose();
      const after = Date.now();
      const rows = await selectRows<Row>(
        engine,
        `SELECT * FROM ${table} ORDER BY level DESC, message`,
      );
      assert.deepEqual(
        rows.map((r) => [r.level, r.logger, r.line, r.message, r.error, r.app, r.category]),
        [
          [5, "my_app.checkout", 0, `cart [ "apple", "pear" ]`, "", "my_app", "demo"],
          [4, "my_app.checkout", 0, `Order 42 paid by "alice"`, "", "my_app", "demo"],
          [3, "my_app.checkout", 0, `Stock of "pear" is low`, "", "my_app", "demo"],
          [2, "my_app.checkout", 0, "Payment failed", "RangeError", "my_app", "demo"],
          [1, "my_app.checkout", 0, "I give up.", "", "my_app", "demo"],
        ],
      );
      const paid = rows[1]!;
      assert.equal(paid.request_id, "r-1");
      const props = map ? paid.properties : JSON.parse(paid.properties as string);
      assert.deepEqual(
        props,
        map ? { orderId: "42", user: "alice", amount: "9.5" } : {
          orderId: 42,
          user: "alice",
          amount: 9.5,
        },
      );
      assert.match(rows[3]!.stacktrace, /^RangeError: card declined\n\s+at /);
      assert.deepEqual(rows[3]!.properties, map ? {} : "{}");
      // The record's time: milliseconds on the modern engine, seconds on 18.x.
      for (const row of rows) {
        const at = Date.parse(row.datetime.replace(" ", "T") + "Z");
        const grain = engine.modern ? 1 : 1000;
        assert.ok(
          at >= Math.floor(before / grain) * grain && at <= after,
          `${row.datetime} within the test`,
        );
      }
    } finally {
      await reset();
      await tusk.close();
    }
  },
);

forEachEngine(
  "A LogTape category's queries: rows by logger and level, as a dashboard reads them",
  async (engine) => {
    const { table } = await logsTable(engine);
    const clientName = uniqueClient("logtape");
    connect(engine, clientName);
    await configure({
      sinks: { clickhouse: getClickHouseSink({ table, appName: "shop", clientName }) },
      loggers: [
        { category: "shop", lowestLevel: "info", sinks: ["clickhouse"] },
        { category: ["logtape", "meta"], lowestLevel: "fatal", sinks: [] },
      ],
    });
    try {
      for (let i = 0; i < 100; i++) {
        getLogger(["shop", i % 2 === 0 ? "db" : "http"]).info("request {i}", { i });
        if (i % 10 === 0) getLogger(["shop", "db"]).error("slow query {i}", { i });
      }
      await dispose();
      const counts = await selectRows<{ logger: string; level: number; n: string }>(
        engine,
        `SELECT logger, level, count() AS n FROM ${table} WHERE app = 'shop' ` +
          "GROUP BY logger, level ORDER BY logger, level",
      );
      assert.deepEqual(counts.map((r) => [r.logger, r.level, Number(r.n)]), [
        ["shop.db", 2, 10],
        ["shop.db", 4, 50],
        ["shop.http", 4, 50],
      ]);
    } finally {
      await reset();
      await tusk.close();
    }
  },
);

forEachEngine("examples/logtape.ts writes its records into the logs table", async (engine) => {
  const { table, map } = await logsTable(engine);
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "examples/logtape.ts"],
    cwd: new URL("../..", import.meta.url).pathname,
    env: {
      CLICKHOUSE_URL: engine.url,
      CLICKHOUSE_USER: engine.user,
      CLICKHOUSE_PASSWORD: engine.password,
      LOGS_TABLE: table,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const output = new TextDecoder().decode(result.stdout) + new TextDecoder().decode(result.stderr);
  assert.equal(result.code, 0, output);
  assert.match(output, /Order 42 paid by/, "the console sink printed it too");
  const rows = await selectRows<Row>(engine, `SELECT * FROM ${table} ORDER BY level DESC`);
  assert.deepEqual(rows.map((r) => [r.level, r.logger, r.message, r.error]), [
    [4, "my_app.checkout", `Order 42 paid by "alice"`, ""],
    [3, "my_app.checkout", `Stock of "pear" is low`, ""],
    [2, "my_app.checkout", "Payment failed", "RangeError"],
  ]);
  const props = map ? rows[0]!.properties : JSON.parse(rows[0]!.properties as string);
  assert.deepEqual(
    props,
    map
      ? { orderId: "42", user: "alice", requestId: "r-1" }
      : { orderId: 42, user: "alice", requestId: "r-1" },
  );
});

// The otel_logs table needs Map and DateTime64: the modern engine only.
const chdb = engineOrSkip("chdb");
const NO_OTEL_ON_18 = "ClickHouse 18.16 has no Map or DateTime64 type, so the exporter's " +
  "otel_logs table cannot exist there";

function otelTest(name: string, fn: (engine: TestEngine) => Promise<void>): void {
  Deno.test({ name: `${name} [chdb]`, ignore: !chdb.engine, fn: () => fn(chdb.engine!) });
  Deno.test({ name: `${name} [clickhouse-18: skipped, ${NO_OTEL_ON_18}]`, ignore: true, fn() {} });
}

type OtelRow = {
  ns: string;
  SeverityText: string;
  SeverityNumber: number;
  ServiceName: string;
  Body: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  LogAttributes: Record<string, string>;
};

otelTest(
  'getClickHouseSink({ layout: "otel" }) writes records into otel_logs, read as log viewers query them',
  async (engine) => {
    const db = await freshDatabase(engine, "logtape_otel");
    const table = `${db}.otel_logs`;
    await sql(engine, otelLogsTableDdl(table, { ttlDays: 0 }));
    const clientName = uniqueClient("logtape-otel");
    connect(engine, clientName, { env: { TUSK_HOST: "box-1" } });
    await configure({
      sinks: {
        clickhouse: getClickHouseSink({
          table,
          appName: "otel_shop",
          clientName,
          layout: "otel",
          resourceAttributes: { "deployment.environment.name": "test" },
        }),
      },
      loggers: [
        { category: "otel_shop", lowestLevel: "trace", sinks: ["clickhouse"] },
        { category: ["logtape", "meta"], lowestLevel: "fatal", sinks: [] },
      ],
    });
    const failure = new RangeError("card declined", { cause: new Error("root cause") });
    const before = Date.now();
    try {
      const logger = getLogger(["otel_shop", "checkout"]);
      logger.trace("trace {step}", { step: 1 });
      logger.debug("debug");
      logger.info("Order {orderId} paid by {user}", { orderId: 42, user: "alice", ok: true });
      logger.warn`Stock of ${"pear"} is low`;
      logger.error("Payment failed", failure);
      logger.fatal("I give up.");
      await dispose();
      const after = Date.now();

      const rows = await selectRows<OtelRow>(
        engine,
        `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS ns, SeverityText, SeverityNumber,
                ServiceName, Body, ResourceAttributes, ScopeName, LogAttributes
         FROM ${table} WHERE ServiceName = 'otel_shop' ORDER BY SeverityNumber`,
      );
      assert.deepEqual(
        rows.map((r) => [r.SeverityNumber, r.SeverityText, r.Body, r.ScopeName]),
        [
          [1, "TRACE", "trace 1", "otel_shop.checkout"],
          [5, "DEBUG", "debug", "otel_shop.checkout"],
          [9, "INFO", `Order 42 paid by "alice"`, "otel_shop.checkout"],
          [13, "WARN", `Stock of "pear" is low`, "otel_shop.checkout"],
          [17, "ERROR", "Payment failed", "otel_shop.checkout"],
          [21, "FATAL", "I give up.", "otel_shop.checkout"],
        ],
      );
      for (const row of rows) {
        assert.deepEqual(row.ResourceAttributes, {
          "service.name": "otel_shop",
          "telemetry.sdk.name": "tusk",
          "host.name": "box-1",
          "deployment.environment.name": "test",
        });
        // The record's time, in milliseconds, in the nanosecond column.
        const ms = Number(BigInt(row.ns) / 1_000_000n);
        assert.ok(ms >= before && ms <= after, `${row.ns} within the test`);
        assert.ok(BigInt(row.ns) % 1_000_000n === 0n, "whole milliseconds");
      }
      // Properties are log attributes (no call site: LogTape captured none).
      assert.deepEqual(rows[0]!.LogAttributes, { step: "1" });
      assert.deepEqual(rows[2]!.LogAttributes, { orderId: "42", user: "alice", ok: "true" });
      assert.deepEqual(rows[3]!.LogAttributes, {});
      // The error is the exception.* attributes, not a property.
      assert.deepEqual(rows[4]!.LogAttributes, {
        "exception.type": "RangeError",
        "exception.message": "card declined",
        "exception.stacktrace": `${failure.stack}\nCaused by: ${(failure.cause as Error).stack}`,
      });

      // "Errors only", and an attribute filter, as log viewers query them.
      const errors = await selectRows<{ Body: string; type: string }>(
        engine,
        `SELECT Body, LogAttributes['exception.type'] AS type FROM ${table}
         WHERE ServiceName = 'otel_shop' AND SeverityNumber >= 17 ORDER BY SeverityNumber`,
      );
      assert.deepEqual(errors, [
        { Body: "Payment failed", type: "RangeError" },
        { Body: "I give up.", type: "" },
      ]);
      const byUser = await selectRows<{ Body: string }>(
        engine,
        `SELECT Body FROM ${table} WHERE LogAttributes['user'] = 'alice'`,
      );
      assert.deepEqual(byUser, [{ Body: `Order 42 paid by "alice"` }]);
    } finally {
      await reset();
      await tusk.close();
    }
  },
);

const ROOT = new URL("../..", import.meta.url).pathname;
Deno.test("the README's With LogTape section shows examples/logtape.ts as it is", () => {
  const readme = Deno.readTextFileSync(`${ROOT}README.md`);
  const start = readme.indexOf("\n### With LogTape\n");
  assert.ok(start >= 0, 'the README has a "### With LogTape" section');
  // Up to the next heading of any level (a ts block's lines never start with "#").
  const rest = readme.slice(start + 1);
  const end = rest.search(/\n#{1,6} /);
  const section = end < 0 ? rest : rest.slice(0, end);
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length > 0, "the section has a ts block");
  assert.equal(blocks[0], Deno.readTextFileSync(`${ROOT}examples/logtape.ts`));
});
