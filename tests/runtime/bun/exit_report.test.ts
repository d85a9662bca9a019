// A Bun program running the TypeScript sources that ends (without flush(), or after close()) while
// its rows cannot be delivered reports, once per table, exactly how many rows it gave up, and exits
// promptly with code 0; with the server up, the same program delivers them and reports nothing.
import { describe, expect, test } from "bun:test";
import { testEngines } from "../_shared/engines.mjs";
import {
  assertDelivered,
  assertGaveUp,
  BOUNDS_MS,
  exitReportScript,
  refusedUrl,
  ROWS,
  runChild,
} from "../_shared/exit_report.mjs";
import { inFreshDatabase } from "../_shared/signals.mjs";

const MOD = new URL("../../../mod.ts", import.meta.url).pathname;
const TABLE = "tusk_exit.cpu";

/** Runs the child program in Bun, the password given as `PW`. */
const bun = (options: Parameters<typeof exitReportScript>[1], password: string) =>
  runChild(process.execPath, ["run"], "child.ts", exitReportScript(MOD, options), {
    PW: password,
  });

describe("Bun exit report, server down", () => {
  test("a program that ends without flush() reports its 100 rows once, promptly", async () => {
    const url = await refusedUrl();
    const result = await bun({ url, user: "default", table: TABLE }, "");
    const t = assertGaveUp(result, {
      table: TABLE,
      cause: "the program ended",
      from: "afterEnd",
      boundMs: BOUNDS_MS.refused,
    });
    console.log(`[bun] refused port: exit ${t.afterEnd} ms after the end (${t.total} ms in all)`);
  }, 30_000);

  test("close() reports the 100 rows once, and the program ends right after it", async () => {
    const url = await refusedUrl();
    const result = await bun({ url, user: "default", table: TABLE, close: true }, "");
    const t = assertGaveUp(result, {
      table: TABLE,
      cause: "closed",
      from: "afterClose",
      boundMs: BOUNDS_MS.afterClose,
    });
    console.log(
      `[bun] refused port, close(): close() took ${t.close} ms, exit ${t.afterClose} ms after it`,
    );
  }, 30_000);
});

for (const engine of testEngines()) {
  describe(`Bun exit report [${engine.name}]`, () => {
    test("a wrong password: the 100 rows are reported once, without a retry", async () => {
      let table = "";
      const { result, rows } = await inFreshDatabase(engine, "bun", (db: string) => {
        table = `${db}.cpu`;
        return bun({ url: engine.url, user: engine.user, table }, "wrong-password");
      });
      const t = assertGaveUp(result, {
        table,
        cause: "the program ended",
        why: /password/i,
        from: "afterEnd",
        boundMs: BOUNDS_MS.wrongPassword,
      });
      expect(rows).toBe(0);
      console.log(
        `[bun] ${engine.name}: wrong password: exit ${t.afterEnd} ms after the end (${t.total} ms in all)`,
      );
    }, 30_000);

    test("control: with the server up, the rows arrive and nothing is reported", async () => {
      const { result, rows } = await inFreshDatabase(
        engine,
        "bun",
        (db: string) =>
          bun({ url: engine.url, user: engine.user, table: `${db}.cpu` }, engine.password),
      );
      const t = assertDelivered(result);
      expect(rows).toBe(ROWS);
      console.log(
        `[bun] ${engine.name}: server up: ${rows} rows, exit ${t.afterEnd} ms after the end`,
      );
    }, 30_000);
  });
}
