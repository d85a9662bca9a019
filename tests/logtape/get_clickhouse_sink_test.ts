import assert from "node:assert/strict";
import { configure, drain, type Drainable, getLogger, reset, type Sink } from "@logtape/logtape";
import type { Config } from "@logtape/logtape";
import * as tusk from "../../mod.ts";
import { type ClickHouseSinkOptions, getClickHouseSink } from "../../src/logtape/mod.ts";
import type { LogTapeRecord } from "../../src/logtape/mod.ts";
import { FakeClickHouse, type FakeColumns } from "../_helpers/fake_clickhouse.ts";
import { uniqueClient } from "../_helpers/for_each_engine.ts";

const START = Date.UTC(2026, 11, 1, 9, 30, 0, 250);

/** The logs table of `logsTableDdl`, plus the columns a test adds. */
function logsColumns(...extra: Array<readonly [string, string]>): FakeColumns {
  return [
    ["category", "String"],
    ["host", "String"],
    ["app", "String"],
    ["datetime", "DateTime64(3)"],
    ["level", "Int8"],
    ["logger", "String"],
    ["line", "UInt32"],
    ["error", "String"],
    ["message", "String"],
    ["stacktrace", "String"],
    ...extra,
  ];
}

function setup(
  columns: FakeColumns = logsColumns(),
  options: { backgroundTimers?: boolean; flushTimeout?: number } = {},
) {
  const server = new FakeClickHouse(columns);
  const errors: Error[] = [];
  const clientName = uniqueClient("logtape");
  const clock = new tusk.FakeClock(START, { backgroundTimers: options.backgroundTimers });
  tusk.init({
    url: "http://clickhouse.invalid:8123",
    clientName,
    clock,
    fetch: server.fetch,
    onError: (e) => errors.push(e),
    flushTimeout: options.flushTimeout,
  });
  const sink = (extra: Partial<ClickHouseSinkOptions> = {}) =>
    getClickHouseSink({ table: "maintenance.logs", appName: "my_app", clientName, ...extra });
  return { server, errors, clientName, clock, sink };
}

/** LogTape configured with `sink` for the `my_app` category, its meta logger silenced. */
async function configureWith(
  sink: Sink,
  lowestLevel: Config<string, string>["loggers"][number]["lowestLevel"] = "trace",
): Promise<void> {
  await configure({
    sinks: { clickhouse: sink },
    loggers: [
      { category: "my_app", lowestLevel, sinks: ["clickhouse"] },
      { category: ["logtape", "meta"], lowestLevel: "fatal", sinks: [] },
    ],
  });
}

function record(overrides: Partial<LogTapeRecord> = {}): LogTapeRecord {
  return {
    category: ["my_app"],
    level: "info",
    message: ["hello"],
    timestamp: START,
    properties: {},
    ...overrides,
  };
}

async function cleanUp(): Promise<void> {
  await reset();
  await tusk.close();
}

Deno.test("getClickHouseSink() is a LogTape Sink whose records become rows of the logs table", async () => {
  const { server, sink } = setup();
  try {
    await configureWith(sink());
    const logger = getLogger(["my_app", "orders"]);
    logger.trace("trace");
    logger.debug("debug");
    logger.info("Order {orderId} paid by {user}", { orderId: 42, user: "alice" });
    logger.warn("warning");
    logger.error("error");
    logger.fatal("fatal");
    await reset(); // disposes the sink: every row is delivered
    const rows = server.rows();
    assert.deepEqual(
      rows.map(({ level, logger, line, message, error, stacktrace, app }) => ({
        level,
        logger,
        line,
        message,
        error,
        stacktrace,
        app,
      })),
      [
        [5, "trace"],
        [5, "debug"],
        [4, `Order 42 paid by "alice"`],
        [3, "warning"],
        [2, "error"],
        [1, "fatal"],
      ].map(([level, message]) => ({
        level,
        logger: "my_app.orders",
        line: 0,
        message,
        error: "",
        stacktrace: "",
        app: "my_app",
      })),
    );
  } finally {
    await cleanUp();
  }
});

Deno.test("getClickHouseSink() writes the record's own time, not the time it is written", async () => {
  const { server, sink, clock } = setup();
  try {
    const s = sink();
    await s.drain(); // the schema is known
    await clock.tick(60_000);
    s(record({ timestamp: START, message: ["early"] }));
    s(record({ timestamp: START + 1_234, message: ["later"] }));
    await s.drain();
    assert.deepEqual(
      server.rows().map((r) => [r.message, Number(r.datetime) - START]),
      [["early", 0], ["later", 1_234]],
    );
  } finally {
    await cleanUp();
  }
});

Deno.test("getClickHouseSink() fills error and stacktrace from the record's error", async (t) => {
  await t.step("logger.error(err) and logger.error(message, err) put it in `error`", async () => {
    const { server, sink } = setup();
    try {
      await configureWith(sink());
      const logger = getLogger("my_app");
      const err = new RangeError("Guess what?", { cause: new Error("root cause") });
      logger.error(err);
      logger.fatal("I give up.", err);
      await reset();
      const rows = server.rows();
      assert.deepEqual(rows.map((r) => [r.level, r.error, r.message]), [
        [2, "RangeError", `"Guess what?"`], // LogTape's message is "{error.message}"
        [1, "RangeError", "I give up."],
      ]);
      for (const row of rows) {
        assert.match(String(row.stacktrace), /^RangeError: Guess what\?\n\s+at /);
        assert.match(String(row.stacktrace), /\nCaused by: Error: root cause/);
      }
    } finally {
      await cleanUp();
    }
  });
  await t.step("without an `error` property, the first property holding an error", async () => {
    const { server, sink } = setup();
    try {
      const s = sink();
      s(record({
        properties: { attempt: 3, failure: new TypeError("bad"), other: new Error("x") },
      }));
      await s.drain();
      assert.equal(server.rows()[0]!.error, "TypeError");
    } finally {
      await cleanUp();
    }
  });
});

Deno.test("getClickHouseSink() writes properties into contextColumns and the properties column", async (t) => {
  const err = new Error("boom");
  const properties = {
    requestId: "r-1",
    status: 503,
    user: { id: 7, roles: ["admin"] },
    big: 12345678901234567890n,
    error: err,
  };
  await t.step("a Map(String, String) column: one entry per property, values as text", async () => {
    const columns = logsColumns(
      ["request_id", "String"],
      ["properties", "Map(LowCardinality(String), String)"],
    );
    const { server, sink, errors } = setup(columns);
    try {
      const s = sink({ contextColumns: { requestId: "request_id" } });
      s(record({ properties }));
      await s.drain();
      const [row] = server.rows();
      assert.equal(row!.request_id, "r-1");
      assert.deepEqual(row!.properties, {
        status: "503",
        user: `{"id":7,"roles":["admin"]}`,
        big: `"12345678901234567890"`,
      });
      assert.equal(row!.error, "Error");
      assert.deepEqual(errors, []);
    } finally {
      await cleanUp();
    }
  });
  await t.step("a String column: one JSON object", async () => {
    const { server, sink } = setup(logsColumns(["props", "String"]));
    try {
      const s = sink({ propertiesColumn: "props" });
      s(record({ properties: { ...properties, self: undefined } }));
      s(record({ properties: {} }));
      await s.drain();
      const [first, second] = server.rows();
      assert.deepEqual(JSON.parse(String(first!.props)), {
        requestId: "r-1",
        status: 503,
        user: { id: 7, roles: ["admin"] },
        big: "12345678901234567890",
      });
      assert.equal(second!.props, "{}");
    } finally {
      await cleanUp();
    }
  });
  await t.step("no properties column: properties are left out without a word", async () => {
    const { server, sink, errors } = setup();
    try {
      const s = sink();
      s(record({ properties }));
      await s.drain();
      assert.equal(server.rows().length, 1);
      assert.deepEqual(errors, []);
    } finally {
      await cleanUp();
    }
  });
  await t.step("a named column the table lacks, or of another type, is reported", async () => {
    const { server, sink, errors } = setup(logsColumns(["properties", "UInt8"]));
    try {
      const s = sink({ contextColumns: { requestId: "request_id" } });
      s(record({ properties }));
      await s.drain();
      assert.equal(server.rows().length, 1);
      const messages = errors.map((e) => e.message);
      assert.ok(messages.some((m) => /no column "request_id"/.test(m)), messages.join("\n"));
      assert.ok(messages.some((m) => /"properties" is UInt8, not String or Map/.test(m)));
    } finally {
      await cleanUp();
    }
  });
  await t.step(
    "a value its context column cannot hold costs the context, not the row",
    async () => {
      const { server, sink, errors } = setup(logsColumns(["status", "UInt16"]));
      try {
        const s = sink({ contextColumns: { status: "status" } });
        s(record({ message: ["ok"], properties: { status: 200 } }));
        s(record({ message: ["bad"], properties: { status: "teapot" } }));
        await s.drain();
        assert.deepEqual(server.rows().map((r) => [r.message, r.status]), [["ok", 200], [
          "bad",
          undefined,
        ]]);
        assert.equal(errors.length, 1);
      } finally {
        await cleanUp();
      }
    },
  );
});

Deno.test("getClickHouseSink() keeps only records at or above its level", async (t) => {
  for (
    const [level, expected] of [
      ["warning", [3, 2, 1]],
      [4, [4, 3, 2, 1]],
      [5, [5, 5, 4, 3, 2, 1]],
      ["debug", [5, 4, 3, 2, 1]],
    ] as const
  ) {
    await t.step(`level: ${JSON.stringify(level)}`, async () => {
      const { server, sink } = setup();
      try {
        const s = sink({ level });
        for (const name of ["trace", "debug", "info", "warning", "error", "fatal"] as const) {
          s(record({ level: name }));
        }
        await s.drain();
        assert.deepEqual(server.rows().map((r) => r.level), expected);
      } finally {
        await cleanUp();
      }
    });
  }
});

Deno.test("getClickHouseSink() holds records until the schema is known, then writes them in order (Workers)", async () => {
  const { server, sink, clientName } = setup(logsColumns(["properties", "Map(String, String)"]), {
    backgroundTimers: false,
  });
  try {
    const s = sink();
    for (let i = 0; i < 3; i++) s(record({ message: [`m${i}`], properties: { i } }));
    assert.equal(server.requests.length, 0, "nothing is read or sent outside a flush");
    assert.equal(tusk.stats()[`${clientName}/maintenance.logs`]?.pending, 3);
    await s[Symbol.asyncDispose]();
    assert.deepEqual(server.rows().map((r) => [r.message, r.properties]), [
      ["m0", { i: "0" }],
      ["m1", { i: "1" }],
      ["m2", { i: "2" }],
    ]);
    s(record({ message: ["after dispose"] }));
    await s.drain();
    assert.equal(server.rows().at(-1)!.message, "after dispose", "the sink keeps working");
  } finally {
    await cleanUp();
  }
});

Deno.test("getClickHouseSink()'s drain() and dispose never reject; undelivered rows stay pending", async () => {
  const { server, sink, errors, clientName } = setup(logsColumns(), { flushTimeout: 0.05 });
  try {
    const s = sink();
    await s.drain();
    server.down = true;
    s(record());
    await s.drain();
    await s[Symbol.asyncDispose]();
    assert.equal(tusk.stats()[`${clientName}/maintenance.logs`]?.pending, 1);
    assert.ok(errors.length > 0);
    server.down = false;
    await s.drain();
    assert.equal(server.rows().length, 1);
  } finally {
    await cleanUp();
  }
});

Deno.test("getClickHouseSink() never throws into LogTape and never feeds itself", async (t) => {
  await t.step("a value whose rendering throws shows as [unprintable]", async () => {
    const { server, sink } = setup();
    try {
      const s = sink();
      const hostile = new Proxy({}, {
        get() {
          throw new Error("no");
        },
        ownKeys() {
          throw new Error("no");
        },
        getPrototypeOf() {
          throw new Error("no");
        },
      });
      s(record({ message: ["value: ", hostile, ""], properties: { hostile } }));
      await s.drain();
      assert.equal(server.rows().length, 1);
    } finally {
      await cleanUp();
    }
  });
  await t.step("a report logged back through LogTape is not written", async () => {
    const server = new FakeClickHouse(logsColumns());
    const clientName = uniqueClient("logtape");
    let reports = 0;
    tusk.init({
      url: "http://clickhouse.invalid:8123",
      clientName,
      fetch: server.fetch,
      onError: (e) => {
        reports++;
        getLogger("my_app").error("tusk: {message}", { message: e.message });
      },
    });
    try {
      const s = getClickHouseSink({
        table: "maintenance.logs",
        appName: "my_app",
        clientName,
        columns: { app: "application" }, // missing: reported when the first row is made
      });
      await configureWith(s);
      getLogger("my_app").info("hello");
      await reset();
      assert.equal(reports, 1);
      assert.deepEqual(server.rows().map((r) => r.message), ["hello"]);
    } finally {
      await cleanUp();
    }
  });
});

Deno.test("getClickHouseSink() refuses bad options, naming each", () => {
  assert.throws(
    () =>
      getClickHouseSink({
        table: "",
        level: "verbose" as "info",
        columns: { nope: "x" } as never,
        propertiesColumn: 3 as never,
      }),
    (e: Error) =>
      e instanceof TypeError && /^Cannot create the ClickHouse sink: /.test(e.message) &&
      /table/.test(e.message) && /level/.test(e.message) && /nope/.test(e.message) &&
      /propertiesColumn/.test(e.message),
  );
});

Deno.test("getClickHouseSink() refuses options of the other layout", () => {
  for (
    const [options, name, layout] of [
      [{ layout: "otel", columns: { line: null } }, "columns", "tusk"],
      [{ layout: "otel", propertiesColumn: "props" }, "propertiesColumn", "tusk"],
      [{ resourceAttributes: { region: "eu" } }, "resourceAttributes", "otel"],
    ] as const
  ) {
    assert.throws(
      () => getClickHouseSink({ table: "logs", appName: "my_app", ...options }),
      (e: Error) =>
        e instanceof TypeError &&
        e.message ===
          `Cannot create the ClickHouse sink: option "${name}" is for layout "${layout}"`,
    );
  }
});

Deno.test('getClickHouseSink({ layout: "otel" }) maps LogTape levels, category, properties and error', async () => {
  const attributes = "Map(LowCardinality(String), String)";
  const { server, sink, errors } = setup([
    ["Timestamp", "DateTime64(9)"],
    ["TimestampTime", "DateTime"],
    ["SeverityText", "LowCardinality(String)"],
    ["SeverityNumber", "UInt8"],
    ["ServiceName", "LowCardinality(String)"],
    ["Body", "String"],
    ["ResourceAttributes", attributes],
    ["ScopeName", "String"],
    ["LogAttributes", attributes],
  ]);
  try {
    const s = sink({ table: "otel_logs", layout: "otel" });
    const levels = ["trace", "debug", "info", "warning", "error", "fatal"] as const;
    levels.forEach((level, i) => s(record({ level, timestamp: START + i, message: [level] })));
    const failure = new TypeError("bad");
    s(record({
      category: ["my_app", "db"],
      message: ["rows: ", 3, ""],
      properties: { rows: 3, error: failure },
      sourceLocation: { file: "/srv/app/db.ts", line: 7 },
    }));
    await s.drain();
    const rows = server.rows();
    assert.deepEqual(
      rows.slice(0, 6).map((r) => [r.SeverityNumber, r.SeverityText, r.Body, r.ScopeName]),
      [
        [1, "TRACE", "trace", "my_app"],
        [5, "DEBUG", "debug", "my_app"],
        [9, "INFO", "info", "my_app"],
        [13, "WARN", "warning", "my_app"],
        [17, "ERROR", "error", "my_app"],
        [21, "FATAL", "fatal", "my_app"],
      ],
    );
    // The record's time, in the nanosecond column (read from the JSON text: too big for a number).
    assert.deepEqual(
      server.lines.slice(0, 6).map((line) => /"Timestamp":"?(\d+)/.exec(line)?.[1]),
      [0, 1, 2, 3, 4, 5].map((i) => `${START + i}000000`),
    );
    assert.equal(rows[0]!.ServiceName, "my_app");
    assert.deepEqual(rows[6]!.LogAttributes, {
      rows: "3",
      "code.file.path": "/srv/app/db.ts",
      "code.line.number": "7",
      "exception.type": "TypeError",
      "exception.message": "bad",
      "exception.stacktrace": failure.stack,
    });
    assert.equal(rows[6]!.ScopeName, "my_app.db");
    assert.deepEqual(errors, []);
  } finally {
    await cleanUp();
  }
});

Deno.test("getClickHouseSink() needs an app name unless the app column is off", () => {
  const clientName = uniqueClient("logtape");
  tusk.init({ url: "http://clickhouse.invalid:8123", clientName, env: {}, onError: () => {} });
  try {
    assert.throws(
      () => getClickHouseSink({ table: "logs", clientName }),
      /Cannot start getClickHouseSink\(\): no app name/,
    );
    getClickHouseSink({ table: "logs", clientName, columns: { app: null } });
  } finally {
    tusk.close();
  }
});

Deno.test("getClickHouseSink() is Drainable: LogTape's drain() sends the rows and the sink goes on", async () => {
  const { server, sink } = setup();
  try {
    const s: Sink & Drainable = sink();
    await configureWith(s);
    getLogger("my_app").info("one");
    await drain();
    assert.deepEqual(server.rows().map((r) => r.message), ["one"]);
    getLogger("my_app").info("two");
    await drain();
    assert.deepEqual(server.rows().map((r) => r.message), ["one", "two"]);
  } finally {
    await cleanUp();
  }
});

Deno.test("src/ loads nothing of @logtape/logtape: the peer is needed only by its users", async () => {
  const offenders: string[] = [];
  const walk = async (dir: URL): Promise<void> => {
    for await (const entry of Deno.readDir(dir)) {
      const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
      if (entry.isDirectory) await walk(url);
      else if (entry.name.endsWith(".ts")) {
        const text = await Deno.readTextFile(url);
        const imports = text.match(/^(?:import|export)\b[^;]*?from\s+["']@logtape\/logtape["']/gms);
        for (const line of imports ?? []) {
          if (!/^(?:import|export) type\b/.test(line)) offenders.push(`${url.pathname}: ${line}`);
        }
      }
    }
  };
  await walk(new URL("../../src/", import.meta.url));
  assert.deepEqual(offenders, []);
});
