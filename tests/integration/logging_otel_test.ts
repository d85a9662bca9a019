// logging.init({ layout: "otel" }) against the exporter's otel_logs table, read back with the
// queries log viewers built on that table make: by ServiceName, SeverityNumber and attributes.
import assert from "node:assert/strict";
import * as tusk from "../../mod.ts";
import * as logging from "../../src/logging/mod.ts";
import {
  engineOrSkip,
  freshDatabase,
  selectRows,
  sql,
  type TestEngine,
} from "../_helpers/engines.ts";
import { connect, uniqueClient } from "../_helpers/for_each_engine.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const SOURCE = Deno.readTextFileSync(new URL(import.meta.url)).split("\n");
const EXAMPLE = "examples/logging_otel.ts";

/** The 1-based line of `lines` holding `text` (each is unique). */
function lineOf(text: string, lines = SOURCE): number {
  const index = lines.findIndex((line) => line.includes(text) && !line.includes("lineOf("));
  assert.ok(index >= 0, `no line holds ${text}`);
  return index + 1;
}

// The otel_logs table needs Map and DateTime64: the modern engine only.
const chdb = engineOrSkip("chdb");
const NO_OTEL_ON_18 = "ClickHouse 18.16 has no Map or DateTime64 type, so the exporter's " +
  "otel_logs table cannot exist there";

function otelTest(name: string, fn: (engine: TestEngine) => Promise<void>): void {
  Deno.test({ name: `${name} [chdb]`, ignore: !chdb.engine, fn: () => fn(chdb.engine!) });
  Deno.test({ name: `${name} [clickhouse-18: skipped, ${NO_OTEL_ON_18}]`, ignore: true, fn() {} });
}

async function otelTable(engine: TestEngine, prefix: string): Promise<string> {
  const db = await freshDatabase(engine, prefix);
  await sql(engine, logging.otelLogsTableDdl(`${db}.otel_logs`, { ttlDays: 0 }));
  return `${db}.otel_logs`;
}

// Stands in for the console, which interception must keep calling as before.
function recordConsole(): { calls: Array<[string, unknown[]]>; restore: () => void } {
  const calls: Array<[string, unknown[]]> = [];
  const saved = { ...console };
  for (const method of ["error", "warn", "info", "log", "debug"] as const) {
    console[method] = (...args: unknown[]) => calls.push([method, args]);
  }
  return { calls, restore: () => Object.assign(console, saved) };
}

type OtelRow = {
  ns: string;
  TraceId: string;
  SpanId: string;
  TraceFlags: number;
  SeverityText: string;
  SeverityNumber: number;
  ServiceName: string;
  Body: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeAttributes: Record<string, string>;
  LogAttributes: Record<string, string>;
};

const COLUMNS = "toString(toUnixTimestamp64Nano(Timestamp)) AS ns, TraceId, SpanId, TraceFlags, " +
  "SeverityText, SeverityNumber, ServiceName, Body, ResourceAttributes, ScopeName, " +
  "ScopeAttributes, LogAttributes";

const TRACE_ID = "5b8efff798038103d269b633813fc60c";
const SPAN_ID = "eee19b7ec3c1b174";
const START = Date.UTC(2026, 10, 30, 12, 34, 56, 789);

otelTest(
  'logging.init({ layout: "otel" }) writes the exporter\'s columns, read as log viewers query them',
  async (engine) => {
    const table = await otelTable(engine, "otel_layout");
    const clientName = uniqueClient("otel");
    const clock = new tusk.FakeClock(START);
    connect(engine, clientName, { clock, env: { TUSK_HOST: "box-1", TUSK_CATEGORY: "demo" } });
    const recorder = recordConsole();
    const thrown = new RangeError("Guess what?", { cause: new Error("root cause") });
    try {
      const handle = logging.init({
        table,
        appName: "otel_app",
        clientName,
        layout: "otel",
        resourceAttributes: { "deployment.environment.name": "test" },
      });
      const logger = logging.getLogger();
      logger.info("Hello world!");
      await clock.tick(1);
      logger.warning("Disk %s at %d%%", "/var", 91, { disk: "/var", attempt: 2, ok: false });
      await clock.tick(1);
      logger.exception("Oh no!", thrown, { orderId: "A-17" });
      await clock.tick(1);
      logger.critical("I give up.");
      await clock.tick(1);
      logging.getLogger("payments").info("charged", {
        amount: 12.5,
        traceId: TRACE_ID,
        spanId: SPAN_ID,
        traceFlags: 1,
      });
      await clock.tick(1);
      console.error("console says", new TypeError("bad input"));
      console.debug("below the level: not recorded");
      await handle.stop();
    } finally {
      recorder.restore();
    }
    try {
      assert.equal(recorder.calls.length, 2, "both console calls printed");

      // Every row of the app, oldest first, as a log viewer's list shows them.
      const rows = await selectRows<OtelRow>(
        engine,
        `SELECT ${COLUMNS} FROM ${table} WHERE ServiceName = 'otel_app' ORDER BY Timestamp`,
      );
      assert.deepEqual(
        rows.map((r) => [r.SeverityNumber, r.SeverityText, r.Body, r.ScopeName]),
        [
          [9, "INFO", "Hello world!", "logging_otel_test.ts"],
          [13, "WARN", "Disk /var at 91%", "logging_otel_test.ts"],
          [17, "ERROR", "Oh no!", "logging_otel_test.ts"],
          [21, "FATAL", "I give up.", "logging_otel_test.ts"],
          [9, "INFO", "charged", "payments"],
          [17, "ERROR", "console says TypeError: bad input", "logging_otel_test.ts"],
        ],
      );
      // The time of each call, to the nanosecond column's last digit.
      assert.deepEqual(
        rows.map((r) => r.ns),
        [0, 1, 2, 3, 4, 5].map((i) => `${BigInt(START + i) * 1_000_000n}`),
      );
      const resource = {
        "service.name": "otel_app",
        "telemetry.sdk.name": "tusk",
        "host.name": "box-1",
        "tusk.category": "demo",
        "deployment.environment.name": "test",
      };
      const path = new URL(import.meta.url).pathname;
      for (const row of rows) {
        assert.deepEqual(row.ResourceAttributes, resource);
        assert.deepEqual(row.ScopeAttributes, {});
        assert.equal(row.LogAttributes["code.file.path"], path);
      }
      assert.deepEqual(rows[1]!.LogAttributes, {
        "code.file.path": path,
        "code.line.number": String(lineOf('logger.warning("Disk %s at %d%%"')),
        disk: "/var",
        attempt: "2",
        ok: "false",
      });
      assert.deepEqual(rows[2]!.LogAttributes, {
        "code.file.path": path,
        "code.line.number": String(lineOf('logger.exception("Oh no!", thrown')),
        orderId: "A-17",
        "exception.type": "RangeError",
        "exception.message": "Guess what?",
        "exception.stacktrace": `${thrown.stack}\nCaused by: ${(thrown.cause as Error).stack}`,
      });
      // The trace context fills its columns; other rows leave them empty.
      assert.deepEqual(
        rows.map((r) => [r.TraceId, r.SpanId, r.TraceFlags]),
        [
          ["", "", 0],
          ["", "", 0],
          ["", "", 0],
          ["", "", 0],
          [TRACE_ID, SPAN_ID, 1],
          ["", "", 0],
        ],
      );
      assert.deepEqual(rows[4]!.LogAttributes["amount"], "12.5");
      assert.equal(rows[4]!.LogAttributes["traceId"], undefined);

      // "Errors only": the data model's SeverityNumber >= 17.
      const errors = await selectRows<{ Body: string; type: string }>(
        engine,
        `SELECT Body, LogAttributes['exception.type'] AS type FROM ${table}
         WHERE ServiceName = 'otel_app' AND SeverityNumber >= 17 ORDER BY Timestamp`,
      );
      assert.deepEqual(errors, [
        { Body: "Oh no!", type: "RangeError" },
        { Body: "I give up.", type: "" },
        { Body: "console says TypeError: bad input", type: "TypeError" },
      ]);

      // A source line, and an exception type, as attribute filters.
      const atLine = await selectRows<{ Body: string }>(
        engine,
        `SELECT Body FROM ${table} WHERE LogAttributes['code.line.number'] = '${
          lineOf('logger.critical("I give up.")')
        }'`,
      );
      assert.deepEqual(atLine, [{ Body: "I give up." }]);
      const byType = await selectRows<{ Body: string; message: string }>(
        engine,
        `SELECT Body, LogAttributes['exception.message'] AS message FROM ${table}
         WHERE LogAttributes['exception.type'] = 'TypeError'`,
      );
      assert.deepEqual(byType, [{
        Body: "console says TypeError: bad input",
        message: "bad input",
      }]);
    } finally {
      await tusk.close();
    }
  },
);

otelTest(
  "the otel layout stores the same row before and after the table's schema is known",
  async (engine) => {
    // Before the schema is read, calls are held as row objects; after it, the
    // usual call is encoded from a template. Both must store the same cells.
    const table = await otelTable(engine, "otel_same");
    const clientName = uniqueClient("otel-same");
    connect(engine, clientName);
    const handle = logging.init({
      table,
      appName: "otel_app",
      clientName,
      layout: "otel",
      console: false,
      level: "debug",
    });
    const logger = logging.getLogger("same");
    const failure = new TypeError('bad "input"\nsecond line');
    const logAll = (round: string) => {
      logger.debug(`${round}: quotes " and \\ and ünïcödé 🦣`);
      logger.exception(`${round}: with an error`, failure);
      logger.info(`${round}: with fields`, { round: "-", nested: { a: [1, 2] } });
      logger.critical(`${round}: last`);
    };
    try {
      logAll("before");
      await tusk.flush(); // reads the schema, sends the held rows
      logAll("after");
      await handle.stop();
      const rows = await selectRows<OtelRow>(
        engine,
        `SELECT ${COLUMNS} FROM ${table} ORDER BY Body`,
      );
      assert.equal(rows.length, 8);
      const round = (name: string) =>
        rows
          .filter((r) => r.Body.startsWith(name))
          .map(({ ns: _, ...r }) => ({
            ...r,
            Body: r.Body.replace(name, "<round>"),
            LogAttributes: { ...r.LogAttributes, "code.line.number": "-" },
          }));
      assert.equal(round("before").length, 4);
      assert.deepEqual(round("after"), round("before"));
      const withFields = rows.find((r) => r.Body.endsWith("with fields"))!;
      assert.equal(withFields.LogAttributes["nested"], '{"a":[1,2]}');
      assert.deepEqual(rows.map((r) => r.SeverityNumber).sort((a, b) => a - b), [
        5,
        5,
        9,
        9,
        17,
        17,
        21,
        21,
      ]);
    } finally {
      await tusk.close();
    }
  },
);

otelTest(
  "an otel_logs table without some column gets its rows, and the gap is reported once",
  async (engine) => {
    const db = await freshDatabase(engine, "otel_narrow");
    const table = `${db}.otel_logs`;
    await sql(
      engine,
      `CREATE TABLE ${table} (Timestamp DateTime64(9), SeverityText String, ` +
        "SeverityNumber UInt8, ServiceName String, Body String, LogAttributes String) " +
        "ENGINE = MergeTree ORDER BY Timestamp",
    );
    const clientName = uniqueClient("otel-narrow");
    const problems: string[] = [];
    connect(engine, clientName, { onError: (error) => problems.push(error.message) });
    const handle = logging.init({
      table,
      appName: "otel_app",
      clientName,
      layout: "otel",
      console: false,
    });
    try {
      await tusk.metric({ table, clientName }).ready(); // the schema is known before the calls
      logging.getLogger().warning("first");
      logging.getLogger().warning("second");
      await handle.stop();
      const rows = await selectRows<
        { SeverityNumber: number; Body: string; LogAttributes: string }
      >(
        engine,
        `SELECT SeverityNumber, Body, LogAttributes FROM ${table} ORDER BY Body`,
      );
      assert.deepEqual(rows, [
        { SeverityNumber: 13, Body: "first", LogAttributes: "" },
        { SeverityNumber: 13, Body: "second", LogAttributes: "" },
      ]);
      const gaps = problems.filter((p) => p.includes('with layout "otel"'));
      assert.equal(gaps.length, 1, problems.join("\n"));
      assert.match(gaps[0]!, /no column "ResourceAttributes"/);
      assert.match(gaps[0]!, /no column "ScopeName"/);
      assert.match(gaps[0]!, /column "LogAttributes" is String, not a Map/);
    } finally {
      await tusk.close();
    }
  },
);

otelTest(`${EXAMPLE} writes rows that the README's queries find`, async (engine) => {
  const table = await otelTable(engine, "otel_example");
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", EXAMPLE],
    cwd: ROOT,
    clearEnv: true,
    env: {
      CLICKHOUSE_URL: engine.url,
      CLICKHOUSE_USER: engine.user,
      CLICKHOUSE_PASSWORD: engine.password,
      OTEL_LOGS_TABLE: table,
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const output = new TextDecoder().decode(result.stdout) + new TextDecoder().decode(result.stderr);
  assert.equal(result.code, 0, output);
  const example = Deno.readTextFileSync(`${ROOT}${EXAMPLE}`).split("\n");
  const rows = await selectRows<
    { SeverityText: string; Body: string; ScopeName: string; line: string; type: string }
  >(
    engine,
    `SELECT SeverityText, Body, ScopeName, LogAttributes['code.line.number'] AS line,
            LogAttributes['exception.type'] AS type
     FROM ${table} WHERE ServiceName = 'my_app' ORDER BY Timestamp, toUInt32(line)`,
  );
  assert.deepEqual(rows, [
    {
      SeverityText: "INFO",
      Body: "Hello world!",
      ScopeName: "checkout",
      line: String(lineOf('logger.info("Hello world!")', example)),
      type: "",
    },
    {
      SeverityText: "WARN",
      Body: "Disk /var at 91%",
      ScopeName: "checkout",
      line: String(lineOf("logger.warning(", example)),
      type: "",
    },
    {
      SeverityText: "ERROR",
      Body: "Oh no!",
      ScopeName: "checkout",
      line: String(lineOf("logger.exception(", example)),
      type: "RangeError",
    },
    {
      SeverityText: "ERROR",
      Body: "Printed, and logged too.",
      ScopeName: "logging_otel.ts",
      line: String(lineOf("console.error(", example)),
      type: "",
    },
  ]);
});

const README = Deno.readTextFileSync(`${ROOT}README.md`);
Deno.test({
  name: `the README's OpenTelemetry layout section shows ${EXAMPLE} as it is`,
  // Until the section is in the README; then this must pass.
  ignore: !README.includes("OpenTelemetry layout\n"),
  fn() {
    const blocks = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    assert.ok(blocks.includes(Deno.readTextFileSync(`${ROOT}${EXAMPLE}`)));
  },
});
