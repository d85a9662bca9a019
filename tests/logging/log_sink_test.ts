import assert from "node:assert/strict";
import * as tusk from "../../mod.ts";
import * as logging from "../../src/logging/mod.ts";
import { getSink } from "../../src/logging/logger.ts";
import { OTEL_SEVERITIES } from "../../src/logging/otel_severity.ts";
import { FakeClickHouse, type FakeColumns } from "../_helpers/fake_clickhouse.ts";

const T = Date.UTC(2026, 10, 30, 12, 34, 56, 789);
const ATTRIBUTES = "Map(LowCardinality(String), String)";
const OTEL_COLUMNS: FakeColumns = [
  ["Timestamp", "DateTime64(9)"],
  ["TraceId", "String"],
  ["SpanId", "String"],
  ["TraceFlags", "UInt8"],
  ["SeverityText", "LowCardinality(String)"],
  ["SeverityNumber", "UInt8"],
  ["ServiceName", "LowCardinality(String)"],
  ["Body", "String"],
  ["ResourceAttributes", ATTRIBUTES],
  ["ScopeName", "String"],
  ["ScopeAttributes", ATTRIBUTES],
  ["LogAttributes", ATTRIBUTES],
];

/** A client on a fake server, logging with `options`; returns the server and the problems. */
async function start(
  columns: FakeColumns,
  options: Partial<logging.LoggingOptions>,
  env: Record<string, string> = {},
): Promise<{ server: FakeClickHouse; problems: string[] }> {
  const server = new FakeClickHouse(columns);
  const problems: string[] = [];
  const clientName = `sink-${crypto.randomUUID().slice(0, 8)}`;
  tusk.init({
    url: "http://ch.invalid:8123",
    clientName,
    fetch: server.fetch,
    clock: new tusk.FakeClock(T),
    env,
    onError: (error) => problems.push(error.message),
  });
  logging.init({ table: "db.logs", appName: "my_app", clientName, console: false, ...options });
  await tusk.metric({ table: "db.logs", clientName }).ready();
  return { server, problems };
}

Deno.test("LogSink.record() writes another library's record with its own time, logger and severity", async (t) => {
  try {
    await t.step('layout "otel"', async () => {
      const { server } = await start(OTEL_COLUMNS, { layout: "otel", level: "debug" });
      const failure = new TypeError("bad input");
      getSink()!.record({
        level: 5,
        message: "query took 3 ms",
        logger: "my_app.db",
        time: T - 1_000,
        severity: OTEL_SEVERITIES.trace,
        fields: { rows: 3 },
        error: failure,
      });
      await tusk.flush();
      assert.equal(server.lines.length, 1);
      assert.match(server.lines[0]!, new RegExp(`"Timestamp":"?${T - 1_000}000000\\b`));
      const row = server.rows()[0]!;
      assert.deepEqual(
        [row.SeverityNumber, row.SeverityText, row.ScopeName, row.Body],
        [1, "TRACE", "my_app.db", "query took 3 ms"],
      );
      assert.deepEqual(row.LogAttributes, {
        rows: "3",
        "exception.type": "TypeError",
        "exception.message": "bad input",
        "exception.stacktrace": failure.stack,
      });
    });
    await t.step('layout "tusk"', async () => {
      const { server } = await start(
        [
          ["app", "String"],
          ["datetime", "DateTime64(3)"],
          ["level", "Int8"],
          [
            "logger",
            "String",
          ],
          ["line", "UInt32"],
          ["error", "String"],
          ["message", "String"],
          [
            "stacktrace",
            "String",
          ],
        ],
        {},
      );
      getSink()!.record({ level: 3, message: "slow", logger: "my_app.db", time: T - 5 });
      getSink()!.record({ level: 5, message: "below the level", logger: "my_app.db" });
      await tusk.flush();
      assert.deepEqual(server.rows(), [{
        datetime: T - 5,
        app: "my_app",
        level: 3,
        logger: "my_app.db",
        line: 0,
        error: "",
        stacktrace: "",
        message: "slow",
      }]);
    });
  } finally {
    await tusk.close();
  }
});

Deno.test("LogSink.record() writes the call site the record carries (no stack is captured)", async (t) => {
  const site = { line: 12, file: "file:///srv/app/main%20file.ts" };
  try {
    await t.step(
      'layout "otel": code.file.path (a path, not a URL) and code.line.number',
      async () => {
        const { server } = await start(OTEL_COLUMNS, { layout: "otel" });
        getSink()!.record({ level: 4, message: "here", logger: "my_app", ...site });
        getSink()!.record({ level: 4, message: "nowhere", logger: "my_app" });
        await tusk.flush();
        assert.deepEqual(server.rows().map((r) => r.LogAttributes), [
          { "code.file.path": "/srv/app/main file.ts", "code.line.number": "12" },
          {},
        ]);
      },
    );
    await t.step('layout "tusk": the line column', async () => {
      const { server } = await start([
        ["datetime", "DateTime64(3)"],
        ["logger", "String"],
        ["line", "UInt32"],
        ["message", "String"],
      ], { columns: { app: null, level: null, error: null, stacktrace: null } });
      getSink()!.record({ level: 4, message: "here", logger: "my_app", ...site });
      await tusk.flush();
      assert.deepEqual(server.rows().map((r) => [r.logger, r.line]), [["my_app", 12]]);
    });
  } finally {
    await tusk.close();
  }
});

Deno.test('layout "otel" writes the env tags and resourceAttributes as ResourceAttributes', async () => {
  try {
    const { server } = await start(
      OTEL_COLUMNS,
      { layout: "otel", resourceAttributes: { "telemetry.sdk.name": "mine", region: "eu" } },
      { TUSK_HOST: "box-1", TUSK_CATEGORY: "demo", TUSK_PASSWORD: "not a tag" },
    );
    logging.getLogger().info("hello");
    await tusk.flush();
    assert.deepEqual(server.rows()[0]!.ResourceAttributes, {
      "service.name": "my_app",
      "telemetry.sdk.name": "mine",
      "host.name": "box-1",
      "tusk.category": "demo",
      region: "eu",
    });
  } finally {
    await tusk.close();
  }
});

Deno.test('layout "otel" sends fields to contextColumns, trace columns or LogAttributes', async (t) => {
  try {
    await t.step("a context column and the trace columns, where the table has them", async () => {
      const { server } = await start([...OTEL_COLUMNS, ["RequestId", "String"]], {
        layout: "otel",
        contextColumns: { requestId: "RequestId" },
      });
      logging.getLogger().info("served", {
        requestId: "r-1",
        traceId: "5b8efff798038103d269b633813fc60c",
        spanId: "eee19b7ec3c1b174",
        traceFlags: 1,
        user: "u-9",
        "code.line.number": "a field cannot hide the call site",
      });
      await tusk.flush();
      const row = server.rows()[0]!;
      assert.deepEqual(
        [row.RequestId, row.TraceId, row.SpanId, row.TraceFlags],
        ["r-1", "5b8efff798038103d269b633813fc60c", "eee19b7ec3c1b174", 1],
      );
      const attributes = row.LogAttributes as Record<string, string>;
      assert.equal(attributes.user, "u-9");
      assert.match(attributes["code.line.number"]!, /^\d+$/);
      assert.equal(attributes.requestId, undefined);
      assert.equal(attributes.traceId, undefined);
    });
    await t.step("without trace columns, the trace context is a log attribute", async () => {
      const narrow = OTEL_COLUMNS.filter(([name]) => !["TraceId", "SpanId"].includes(name));
      const { server, problems } = await start(narrow, { layout: "otel" });
      logging.getLogger().info("served", { traceId: "5b8e", spanId: "eee1" });
      await tusk.flush();
      const row = server.rows()[0]!;
      assert.equal((row.LogAttributes as Record<string, string>).traceId, "5b8e");
      assert.equal((row.LogAttributes as Record<string, string>).spanId, "eee1");
      assert.deepEqual(problems, [], "no trace column is needed");
    });
    await t.step("a trace value its column cannot hold costs only that value", async () => {
      const { server, problems } = await start(OTEL_COLUMNS, { layout: "otel" });
      logging.getLogger().info("served", { traceFlags: "not a number" });
      await tusk.flush();
      assert.equal(server.rows()[0]!.Body, "served");
      assert.equal(server.rows()[0]!.TraceFlags, undefined);
      assert.equal(problems.length, 1);
    });
  } finally {
    await tusk.close();
  }
});

Deno.test('layout "otel" writes a thrown value that is no Error as exception.message only', async () => {
  try {
    const { server } = await start(OTEL_COLUMNS, { layout: "otel" });
    logging.getLogger().exception("failed", "just a string");
    await tusk.flush();
    const attributes = server.rows()[0]!.LogAttributes as Record<string, string>;
    assert.equal(attributes["exception.message"], '"just a string"');
    assert.equal(attributes["exception.type"], undefined);
    assert.equal(attributes["exception.stacktrace"], undefined);
  } finally {
    await tusk.close();
  }
});

Deno.test("logging.init() refuses options that do not fit the layout", () => {
  const table = "db.logs";
  assert.throws(
    () => logging.init({ table, appName: "a", layout: "otel", columns: { line: null } }),
    { name: "TypeError", message: /"columns" is for layout "tusk"/ },
  );
  assert.throws(
    () => logging.init({ table, appName: "a", resourceAttributes: { region: "eu" } }),
    { name: "TypeError", message: /"resourceAttributes" is for layout "otel"/ },
  );
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => logging.init({ table, appName: "a", layout: "json" as any }),
    { name: "TypeError", message: /layout/ },
  );
});

Deno.test('layout "otel" mends ill-formed text in the body, scope and exception attributes', async () => {
  try {
    const { server, problems } = await start(OTEL_COLUMNS, { layout: "otel" });
    const cut = "cut \uD83E";
    const failure = new Error(cut);
    failure.name = cut;
    logging.getLogger(cut).exception(cut, failure, { [cut]: cut });
    await tusk.flush();
    const row = server.rows()[0]!;
    const mended = "cut \uFFFD";
    assert.deepEqual([row.Body, row.ScopeName], [mended, mended]);
    const attributes = row.LogAttributes as Record<string, string>;
    assert.equal(attributes[mended], mended);
    assert.equal(attributes["exception.type"], mended);
    assert.equal(attributes["exception.message"], mended);
    assert.deepEqual(problems, []);
  } finally {
    await tusk.close();
  }
});
