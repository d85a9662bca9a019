import assert from "node:assert/strict";
import * as tusk from "../../mod.ts";
import * as logging from "../../src/logging/mod.ts";
import { freshDatabase, selectRows, sql, type TestEngine } from "../_helpers/engines.ts";
import { connect, forEachEngine, uniqueClient } from "../_helpers/for_each_engine.ts";

const SOURCE = Deno.readTextFileSync(new URL(import.meta.url)).split("\n");

/** The 1-based line of this file holding `text` (each is unique). */
function lineOf(text: string): number {
  const index = SOURCE.findIndex((line) => line.includes(text) && !line.includes("lineOf("));
  assert.ok(index >= 0, `no line holds ${text}`);
  return index + 1;
}

async function logsTable(engine: TestEngine, prefix: string): Promise<string> {
  const db = await freshDatabase(engine, prefix);
  await sql(engine, logging.logsTableDdl(`${db}.logs`, { modern: engine.modern }));
  return `${db}.logs`;
}

type LogRow = {
  category: string;
  host: string;
  app: string;
  level: number;
  logger: string;
  line: number;
  error: string;
  message: string;
  stacktrace: string;
};

function readLogs(engine: TestEngine, table: string): Promise<LogRow[]> {
  return selectRows<LogRow>(
    engine,
    `SELECT category, host, app, level, logger, line, error, message, stacktrace FROM ${table} ORDER BY line, message`,
  );
}

// Replaces console methods with recorders, standing in for the console that
// interception must keep calling exactly as before.
function recordConsole(): { calls: Array<[string, unknown[]]>; restore: () => void } {
  const calls: Array<[string, unknown[]]> = [];
  const saved = { ...console };
  for (const method of ["error", "warn", "info", "log", "debug"] as const) {
    console[method] = (...args: unknown[]) => calls.push([method, args]);
  }
  return { calls, restore: () => Object.assign(console, saved) };
}

forEachEngine(
  "logging reproduces the original README's logs table, env tags filling category and host",
  async (engine) => {
    const table = await logsTable(engine, "logs_readme");
    const clientName = uniqueClient("logs");
    connect(engine, clientName, { env: { TUSK_CATEGORY: "demo", TUSK_HOST: "box-1" } });
    const logger = logging.getLogger();
    const handle = logging.init({ table, appName: "my_app", clientName, console: false });
    let thrown: Error | undefined;
    try {
      logger.info("Hello world!");
      logger.warning("Fire drill test.");
      logger.error("This is real fire.");
      try {
        throw new RangeError("Guess what?");
      } catch (error) {
        thrown = error as Error;
        logger.exception("Oh no!", error);
      }
      logger.critical("I give up.");
      await handle.stop();
      const rows = await readLogs(engine, table);
      const cells = rows.map(({ level, logger, line, error, message }) => ({
        level,
        logger,
        line,
        error,
        message,
      }));
      assert.deepEqual(cells, [
        {
          level: 4,
          logger: "logging_test.ts",
          line: lineOf('logger.info("Hello world!")'),
          error: "",
          message: "Hello world!",
        },
        {
          level: 3,
          logger: "logging_test.ts",
          line: lineOf('logger.warning("Fire drill test.")'),
          error: "",
          message: "Fire drill test.",
        },
        {
          level: 2,
          logger: "logging_test.ts",
          line: lineOf('logger.error("This is real fire.")'),
          error: "",
          message: "This is real fire.",
        },
        {
          level: 2,
          logger: "logging_test.ts",
          line: lineOf('logger.exception("Oh no!", error)'),
          error: "RangeError",
          message: "Oh no!",
        },
        {
          level: 1,
          logger: "logging_test.ts",
          line: lineOf('logger.critical("I give up.")'),
          error: "",
          message: "I give up.",
        },
      ]);
      assert.equal(rows[3]!.stacktrace, thrown!.stack);
      assert.deepEqual(rows.map((r) => r.stacktrace === ""), [true, true, true, false, true]);
      for (const row of rows) {
        assert.deepEqual([row.app, row.category, row.host], ["my_app", "demo", "box-1"]);
      }
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine(
  "a log call stores the same row before and after the table's schema is known",
  async (engine) => {
    // Before the schema is read, calls are held as row objects; after it, they are
    // encoded from a template made for the schema. Both must store the same cells.
    const table = await logsTable(engine, "logs_same");
    const clientName = uniqueClient("same");
    connect(engine, clientName, { env: { TUSK_CATEGORY: "demo", TUSK_HOST: "box-1" } });
    const logger = logging.getLogger("fallback-name");
    const handle = logging.init({
      table,
      appName: "my_app",
      clientName,
      console: false,
      level: "debug",
    });
    const failure = new TypeError('bad "input"\nsecond line');
    const logAll = (round: string) => {
      logger.info(`${round}: plain`);
      logger.warning(`${round}: quotes " and \\ and a newline\n and ünïcödé 🦣`);
      logger.exception(`${round}: with an error`, failure);
      logger.log("debug", { round, kind: "not a string" });
      logger.critical(`${round}: last`);
    };
    try {
      logAll("before");
      await tusk.flush(); // reads the schema, sends the held rows
      logAll("after");
      await handle.stop();
      const rows = await selectRows<LogRow>(
        engine,
        `SELECT category, host, app, level, logger, error, message, stacktrace FROM ${table} ` +
          "ORDER BY message",
      );
      assert.equal(rows.length, 10);
      const byRound = (round: string) =>
        rows
          .filter((r) => r.message.includes(round))
          .map((r) => ({ ...r, message: r.message.replace(round, "<round>") }));
      const before = byRound("before");
      assert.equal(before.length, 5);
      assert.deepEqual(byRound("after"), before);
      const withError = before.find((r) => r.error !== "")!;
      assert.deepEqual([withError.error, withError.stacktrace], ["TypeError", failure.stack]);
      for (const row of before) {
        assert.deepEqual(
          [row.app, row.category, row.host, row.logger],
          ["my_app", "demo", "box-1", "logging_test.ts"],
        );
      }
      assert.deepEqual(before.map((r) => r.level).sort(), [1, 2, 3, 4, 5]);
      assert.ok(before.some((r) => r.message.includes("ünïcödé 🦣")));
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine(
  "logging intercepts console calls, which print unchanged, and stop() restores console",
  async (engine) => {
    const table = await logsTable(engine, "logs_console");
    const clientName = uniqueClient("console");
    connect(engine, clientName);
    const recorder = recordConsole();
    const before = { ...console };
    try {
      const handle = logging.init({ table, appName: "my_app", clientName, level: "debug" });
      assert.notEqual(console.warn, before.warn, "console.warn is wrapped");
      const cyclic: Record<string, unknown> = { id: 7 };
      cyclic.self = cyclic;
      const failure = new TypeError("bad input");
      console.error("Disk %s at %d%%", "/var", 93); // console-error-line
      console.warn("Fire drill test."); // console-warn-line
      console.info("state", cyclic); // console-info-line
      console.log("%o %c!", [1, "two"], "color: red"); // console-log-line
      console.debug(failure); // console-debug-line
      await handle.stop();
      for (const method of ["error", "warn", "info", "log", "debug"] as const) {
        assert.equal(console[method], before[method], `console.${method} restored`);
      }
      console.log("after stop");
      assert.deepEqual(recorder.calls, [
        ["error", ["Disk %s at %d%%", "/var", 93]],
        ["warn", ["Fire drill test."]],
        ["info", ["state", cyclic]],
        ["log", ["%o %c!", [1, "two"], "color: red"]],
        ["debug", [failure]],
        ["log", ["after stop"]],
      ]);
      assert.equal(recorder.calls[2]![1][1], cyclic, "the very same objects reach the console");
      const rows = await readLogs(engine, table);
      assert.deepEqual(
        rows.map(({ level, logger, line, error, message }) => ({
          level,
          logger,
          line,
          error,
          message,
        })),
        [
          {
            level: 2,
            logger: "logging_test.ts",
            line: lineOf("console-error-line"),
            error: "",
            message: "Disk /var at 93%",
          },
          {
            level: 3,
            logger: "logging_test.ts",
            line: lineOf("console-warn-line"),
            error: "",
            message: "Fire drill test.",
          },
          {
            level: 4,
            logger: "logging_test.ts",
            line: lineOf("console-info-line"),
            error: "",
            message: "state { id: 7, self: [Circular] }",
          },
          {
            level: 4,
            logger: "logging_test.ts",
            line: lineOf("console-log-line"),
            error: "",
            message: '[ 1, "two" ] !',
          },
          {
            level: 5,
            logger: "logging_test.ts",
            line: lineOf("console-debug-line"),
            error: "TypeError",
            message: "TypeError: bad input",
          },
        ],
      );
      assert.equal(rows[4]!.stacktrace, failure.stack);
    } finally {
      recorder.restore();
      await tusk.close();
    }
  },
);

forEachEngine(
  "logging records nothing below its level; a second init replaces the first",
  async (engine) => {
    const table = await logsTable(engine, "logs_level");
    const clientName = uniqueClient("level");
    connect(engine, clientName);
    const recorder = recordConsole();
    const plainLog = console.log;
    try {
      logging.init({ table, appName: "first", clientName, level: "debug" });
      logging.init({ table, appName: "my_app", clientName, level: "warning" });
      const logger = logging.getLogger("svc");
      logger.debug("dropped debug");
      logger.info("dropped info");
      console.log("dropped log");
      console.info("dropped console info");
      logger.warn("kept warn");
      console.error("kept console error");
      logger.log("critical", "kept by name");
      logger.log("shout" as logging.LogLevel, "bad level is reported, not thrown");
      await tusk.flush();
      const rows = await readLogs(engine, table);
      assert.deepEqual(rows.map((r) => [r.app, r.level, r.message]).sort(), [
        ["my_app", 1, "kept by name"],
        ["my_app", 2, "kept console error"],
        ["my_app", 3, "kept warn"],
      ]);
      assert.equal(
        recorder.calls.filter(([method]) => method === "log").length,
        1,
        "one interception: console.log printed once",
      );
    } finally {
      await tusk.close();
      assert.equal(console.log, plainLog, "tusk.close() restored console");
      recorder.restore();
    }
  },
);

forEachEngine(
  "logging writes contextColumns, and leaves out columns set to null",
  async (engine) => {
    const db = await freshDatabase(engine, "logs_ctx");
    await sql(
      engine,
      `CREATE TABLE ${db}.events (ts ${engine.modern ? "DateTime64(3)" : "DateTime"}, ` +
        "severity Int8, file String, text String, request_id String, user_id UInt64) " +
        "ENGINE = MergeTree ORDER BY ts",
    );
    const clientName = uniqueClient("ctx");
    const reported: Error[] = [];
    connect(engine, clientName, { onError: (error) => reported.push(error) });
    try {
      const handle = logging.init({
        table: `${db}.events`,
        clientName,
        console: false,
        columns: {
          app: null,
          level: "severity",
          logger: "file",
          line: null,
          error: null,
          message: "text",
          stacktrace: null,
        },
        contextColumns: { requestId: "request_id", userId: "user_id" },
      });
      const logger = logging.getLogger();
      logger.info("served", { requestId: "r-1", userId: 42, ignored: "x" });
      logger.error("failed", { requestId: "r-2" });
      await tusk.flush(); // once the schema is known, a bad context value only loses itself
      logger.info("bad context still logs", { userId: "not a number" });
      await handle.stop();
      const rows = await selectRows(
        engine,
        `SELECT severity, file, text, request_id, user_id FROM ${db}.events ORDER BY text`,
      );
      assert.deepEqual(
        rows,
        [
          {
            severity: 4,
            file: "logging_test.ts",
            text: "bad context still logs",
            request_id: "",
            user_id: 0,
          },
          { severity: 2, file: "logging_test.ts", text: "failed", request_id: "r-2", user_id: 0 },
          { severity: 4, file: "logging_test.ts", text: "served", request_id: "r-1", user_id: 42 },
        ].map((r) => engine.modern ? r : { ...r, user_id: String(r.user_id) }),
      );
      assert.ok(
        reported.some((e) => /user_id/.test(e.message)),
        "the bad context value was reported",
      );
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine(
  "logging into a table dropped mid-run never throws, never recurses, and reports",
  async (engine) => {
    const table = await logsTable(engine, "logs_broken");
    const clientName = uniqueClient("broken");
    const reported: Error[] = [];
    // An onError that logs through the intercepted console must not feed the table.
    connect(engine, clientName, {
      onError: (error) => {
        reported.push(error);
        console.error("tusk says:", error.message);
      },
    });
    const recorder = recordConsole();
    try {
      logging.init({ table, appName: "my_app", clientName });
      const logger = logging.getLogger();
      logger.info("before the drop");
      await tusk.flush();
      await sql(engine, `DROP TABLE ${table}`);
      logger.info("after the drop");
      console.error("console after the drop");
      const hostile = new Proxy({}, {
        ownKeys() {
          throw new Error("hostile");
        },
      });
      logger.error(hostile as unknown as string);
      console.warn("%s", hostile);
      await assert.rejects(tusk.flush());
      await assert.rejects(tusk.flush());
      assert.ok(reported.length > 0, "the failure was reported");
      assert.match(reported[0]!.message, new RegExp(table.split(".")[1]!));
      const stats = tusk.stats()[`${clientName}/${table}`]!;
      assert.equal(stats.pending, 4, "only the four application calls are buffered");
      assert.ok(recorder.calls.some(([m, args]) => m === "error" && args[0] === "tusk says:"));
    } finally {
      recorder.restore();
      await tusk.close();
    }
  },
);

forEachEngine("examples/logging.ts writes the README's rows", async (engine) => {
  const table = await logsTable(engine, "logs_example");
  const example = new URL("../../examples/logging.ts", import.meta.url);
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", example.pathname],
    env: {
      CLICKHOUSE_URL: engine.url,
      CLICKHOUSE_USER: engine.user,
      CLICKHOUSE_PASSWORD: engine.password,
      LOGS_TABLE: table,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  const rows = await readLogs(engine, table);
  const source = Deno.readTextFileSync(example).split("\n");
  const at = (text: string) => source.findIndex((line) => line.includes(text)) + 1;
  assert.deepEqual(rows.map((r) => [r.app, r.level, r.logger, r.line, r.error, r.message]), [
    ["my_app", 4, "logging.ts", at('logger.info("Hello world!")'), "", "Hello world!"],
    ["my_app", 3, "logging.ts", at('logger.warning("Fire drill test.")'), "", "Fire drill test."],
    ["my_app", 2, "logging.ts", at('logger.error("This is real fire.")'), "", "This is real fire."],
    ["my_app", 2, "logging.ts", at('logger.exception("Oh no!"'), "RangeError", "Oh no!"],
    ["my_app", 1, "logging.ts", at('logger.critical("I give up.")'), "", "I give up."],
  ]);
  assert.match(rows[3]!.stacktrace, /^RangeError: Guess what\?\n\s+at .*logging\.ts:\d+/);
});

forEachEngine(
  "a log row whose text is not well formed is kept, with U+FFFD in place of each lone surrogate",
  async (engine) => {
    const table = await logsTable(engine, "logs_ill_formed");
    const clientName = uniqueClient("ill");
    const reported: Error[] = [];
    connect(engine, clientName, { onError: (error) => void reported.push(error) });
    const recorder = recordConsole();
    try {
      const handle = logging.init({ table, appName: "my_app", clientName });
      const logger = logging.getLogger();
      const cut = "cut in the middle of 😀".slice(0, -1);
      // Before the schema is known (whole rows), then after it (templates).
      console.log("lone surrogate \ud800 here"); // ill-console-line
      await tusk.flush();
      logger.info(cut); // ill-logger-line
      logger.exception("failed", new RangeError(`bad \udc00 input`)); // ill-exception-line
      await handle.stop();
      assert.deepEqual(reported, []);
      const rows = await readLogs(engine, table);
      assert.deepEqual(rows.map((r) => [r.line, r.error, r.message]), [
        [lineOf("ill-console-line"), "", "lone surrogate \uFFFD here"],
        [lineOf("ill-logger-line"), "", "cut in the middle of \uFFFD"],
        [lineOf("ill-exception-line"), "RangeError", "failed"],
      ]);
      assert.match(rows[2]!.stacktrace, /^RangeError: bad \uFFFD input\n/);
      assert.deepEqual(recorder.calls, [["log", ["lone surrogate \ud800 here"]]]);
    } finally {
      recorder.restore();
      await tusk.close();
    }
  },
);

forEachEngine(
  "logger methods format their arguments as the console does",
  async (engine) => {
    const table = await logsTable(engine, "logs_format");
    const clientName = uniqueClient("format");
    connect(engine, clientName);
    try {
      const handle = logging.init({ table, appName: "my_app", clientName, console: false });
      const logger = logging.getLogger();
      const failure = new RangeError("r");
      logger.warning("with %s", "x"); // format-warning-line
      logger.info("%s has %i items", "cart", 3, "and more"); // format-info-line
      logger.error("failed %s", "job", failure); // format-error-line
      logger.log("critical", "%j", { a: 1 }); // format-log-line
      await handle.stop();
      const rows = await readLogs(engine, table);
      assert.deepEqual(rows.map((r) => [r.level, r.line, r.error, r.message]), [
        [3, lineOf("format-warning-line"), "", "with x"],
        [4, lineOf("format-info-line"), "", "cart has 3 items and more"],
        [2, lineOf("format-error-line"), "RangeError", "failed job"],
        [1, lineOf("format-log-line"), "", '{"a":1}'],
      ]);
      assert.equal(rows[2]!.stacktrace, failure.stack);
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine(
  "a console call's row holds what Deno's console printed (%d of 42.5 is 42)",
  async (engine) => {
    const table = await logsTable(engine, "logs_dialect");
    const clientName = uniqueClient("dialect");
    connect(engine, clientName);
    const recorder = recordConsole();
    try {
      const handle = logging.init({ table, appName: "my_app", clientName });
      // Deno prints `42 | 42 | 1` for these (tests/logging/format_args_test.ts asks its console).
      console.log("%d | %i | %d", 42.5, "42.5", 1n);
      await handle.stop();
      const rows = await readLogs(engine, table);
      assert.deepEqual(rows.map((r) => r.message), ["42 | 42 | 1"]);
    } finally {
      recorder.restore();
      await tusk.close();
    }
  },
);
