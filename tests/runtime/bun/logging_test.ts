// Bun's stack format, checked for real under JavaScriptCore:
//   npx bun test tests/runtime/bun/
// Engine-free: rows are captured at the table's writer. Under `deno test` this
// file registers one ignored test, so `deno test tests/` can include it.
import { clientSlot } from "../../../src/client/registry.ts";
import * as logging from "../../../src/logging/mod.ts";

type BunTest = {
  test(name: string, fn: () => void | Promise<void>): void;
  expect(value: unknown): { toEqual(expected: unknown): void; toBe(expected: unknown): void };
};

const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
const SOURCE_URL = import.meta.url;

async function source(): Promise<string[]> {
  const { readFile } = await import("node:fs/promises");
  const { fileURLToPath } = await import("node:url");
  return (await readFile(fileURLToPath(SOURCE_URL), "utf8")).split("\n");
}

if (!isBun) {
  Deno.test({
    name: "logging under Bun (run with `bun test tests/runtime/bun/`)",
    ignore: true,
    fn() {},
  });
} else {
  const specifier = "bun:test";
  const { test, expect } = (await import(specifier)) as BunTest;

  test("logging names the calling file and line under Bun, for loggers and console", async () => {
    const clientName = `bun-${crypto.randomUUID().slice(0, 8)}`;
    const writer = clientSlot(clientName).writer({
      database: "db",
      tableName: "logs",
      timeColumn: undefined,
    });
    const rows: Record<string, unknown>[] = [];
    (writer as unknown as { write: (row: Record<string, unknown>) => void }).write = (row) => {
      rows.push(row);
    };
    const printed: unknown[][] = [];
    const saved = console.warn;
    console.warn = (...args: unknown[]) => void printed.push(args);
    const handle = logging.init({ table: "db.logs", appName: "my_app", clientName });
    const logger = logging.getLogger();
    function nested(): void {
      logger.error("from a function"); // bun-nested
    }
    try {
      logger.info("Hello world!"); // bun-info
      nested();
      console.warn("Fire drill %s.", "test"); // bun-console
      try {
        throw new RangeError("Guess what?");
      } catch (error) {
        logger.exception("Oh no!", error); // bun-exception
      }
    } finally {
      await handle.stop();
      console.warn = saved;
    }
    const lines = await source();
    const at = (tag: string) => lines.findIndex((l) => l.includes(`// ${tag}`)) + 1;
    expect(rows.map((r) => [r.level, r.logger, r.line, r.error, r.message])).toEqual([
      [4, "logging_test.ts", at("bun-info"), "", "Hello world!"],
      [2, "logging_test.ts", at("bun-nested"), "", "from a function"],
      [3, "logging_test.ts", at("bun-console"), "", "Fire drill test."],
      [2, "logging_test.ts", at("bun-exception"), "RangeError", "Oh no!"],
    ]);
    expect(printed).toEqual([["Fire drill %s.", "test"]]);
    expect(String(rows[3]!.stacktrace).startsWith("RangeError: Guess what?")).toBe(true);
  });

  test("console and logger rows hold what Bun's console printed, and ill-formed text is mended", async () => {
    const clientName = `bun-${crypto.randomUUID().slice(0, 8)}`;
    const writer = clientSlot(clientName).writer({
      database: "db",
      tableName: "logs",
      timeColumn: undefined,
    });
    const rows: Record<string, unknown>[] = [];
    (writer as unknown as { write: (row: Record<string, unknown>) => void }).write = (row) => {
      rows.push(row);
    };
    const cases = ['"%d", 42.5', '"%i|%f", null, "0x1F"', '"%s", {}', '"%d", -0'];
    const saved = console.log;
    console.log = () => {};
    const handle = logging.init({ table: "db.logs", appName: "my_app", clientName });
    const logger = logging.getLogger();
    try {
      console.log("%d", 42.5);
      console.log("%i|%f", null, "0x1F");
      console.log("%s", {});
      console.log("%d", -0);
      logger.warning("with %s", "x");
      console.log("lone surrogate \ud800 here");
    } finally {
      await handle.stop();
      console.log = saved;
    }
    // What Bun's own console prints for the same calls.
    const program = cases.map((args) => `console.log(${args});`).join("\n");
    const { spawnSync } = await import("node:child_process");
    const printed = spawnSync(process.execPath, ["-e", program], { encoding: "utf8" }).stdout
      .trimEnd().split("\n");
    expect(printed).toEqual(["42", "0|31", "[object Object]", "0"]);
    expect(rows.map((r) => r.message)).toEqual([
      ...printed,
      "with x",
      "lone surrogate \uFFFD here",
    ]);
  });
}
