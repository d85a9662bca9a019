// A Node program using the built module that ends (without flush(), or after close()) while its
// rows cannot be delivered reports, once per table, exactly how many rows it gave up, and exits
// promptly with code 0; with the server up, the same program delivers them and reports nothing.
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { describe, test } from "node:test";
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

const MOD = pathToFileURL(new URL("../../../dist/mod.js", import.meta.url).pathname).href;
const TABLE = "tusk_exit.cpu";

/** Runs the child program in Node, the password given as `PW`. */
const node = (options, password) =>
  runChild(process.execPath, [], "child.mjs", exitReportScript(MOD, options), { PW: password });

describe("Node exit report, server down", () => {
  test("a program that ends without flush() reports its 100 rows once, promptly", async () => {
    const url = await refusedUrl();
    const result = await node({ url, user: "default", table: TABLE }, "");
    const t = assertGaveUp(result, {
      table: TABLE,
      cause: "the program ended",
      from: "afterEnd",
      boundMs: BOUNDS_MS.refused,
    });
    console.log(`[node] refused port: exit ${t.afterEnd} ms after the end (${t.total} ms in all)`);
  });

  test("close() reports the 100 rows once, and the program ends right after it", async () => {
    const url = await refusedUrl();
    const result = await node({ url, user: "default", table: TABLE, close: true }, "");
    const t = assertGaveUp(result, {
      table: TABLE,
      cause: "closed",
      from: "afterClose",
      boundMs: BOUNDS_MS.afterClose,
    });
    console.log(
      `[node] refused port, close(): close() took ${t.close} ms, exit ${t.afterClose} ms after it`,
    );
  });
});

for (const engine of testEngines()) {
  describe(`Node exit report [${engine.name}]`, () => {
    test("a wrong password: the 100 rows are reported once, without a retry", async () => {
      let table = "";
      const { result, rows } = await inFreshDatabase(engine, "node", (db) => {
        table = `${db}.cpu`;
        return node({ url: engine.url, user: engine.user, table }, "wrong-password");
      });
      const t = assertGaveUp(result, {
        table,
        cause: "the program ended",
        why: /password/i,
        from: "afterEnd",
        boundMs: BOUNDS_MS.wrongPassword,
      });
      assert.equal(rows, 0);
      console.log(
        `[node] ${engine.name}: wrong password: exit ${t.afterEnd} ms after the end (${t.total} ms in all)`,
      );
    });

    test("control: with the server up, the rows arrive and nothing is reported", async () => {
      const { result, rows } = await inFreshDatabase(
        engine,
        "node",
        (db) => node({ url: engine.url, user: engine.user, table: `${db}.cpu` }, engine.password),
      );
      const t = assertDelivered(result);
      assert.equal(rows, ROWS);
      console.log(
        `[node] ${engine.name}: server up: ${rows} rows, exit ${t.afterEnd} ms after the end`,
      );
    });
  });
}
