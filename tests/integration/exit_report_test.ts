// A Deno program that ends (without flush(), or after close()) while its rows cannot be delivered
// reports, once per table, exactly how many rows it gave up, and exits promptly with code 0; with
// the server up, the same program delivers them and reports nothing.
import assert from "node:assert/strict";
import { freshDatabase, selectRows, sql } from "../_helpers/engines.ts";
import { forEachEngine } from "../_helpers/for_each_engine.ts";
import { spawnDenoScript } from "../_helpers/deno_script.ts";
import {
  assertDelivered,
  assertGaveUp,
  BOUNDS_MS,
  exitReportScript,
  refusedUrl,
  ROWS,
} from "../runtime/_shared/exit_report.mjs";

const MOD = new URL("../../mod.ts", import.meta.url).href;
const TABLE = "tusk_exit.cpu";

/** Runs the child program in Deno, the password given as `PW`. */
async function deno(options: Parameters<typeof exitReportScript>[1], password: string) {
  const startedAt = Date.now();
  const child = await spawnDenoScript(exitReportScript(MOD, options), { PW: password });
  const { code, stdout, stderr } = await child.output();
  const text = new TextDecoder();
  return {
    code,
    stdout: text.decode(stdout),
    stderr: text.decode(stderr),
    startedAt,
    exitedAt: Date.now(),
  };
}

/** A fresh database holding `cpu`, as the child program writes it. */
async function cpuTable(engine: Parameters<typeof freshDatabase>[0]): Promise<string> {
  const db = await freshDatabase(engine, "exit_report");
  await sql(
    engine,
    `CREATE TABLE ${db}.cpu (region String, instance_id String, usage Float64, datetime DateTime) ` +
      "ENGINE = Memory",
  );
  return `${db}.cpu`;
}

async function count(engine: Parameters<typeof freshDatabase>[0], table: string): Promise<number> {
  const [row] = await selectRows<{ c: string | number }>(
    engine,
    `SELECT count() AS c FROM ${table}`,
  );
  return Number(row!.c);
}

Deno.test("a Deno program that ends while the server is down reports its 100 rows once, promptly", async () => {
  const url = await refusedUrl();
  const result = await deno({ url, user: "default", table: TABLE }, "");
  const t = assertGaveUp(result, {
    table: TABLE,
    cause: "the program ended",
    from: "afterEnd",
    boundMs: BOUNDS_MS.refused,
  });
  console.log(`[deno] refused port: exit ${t.afterEnd} ms after the end (${t.total} ms in all)`);
});

Deno.test("close() while the server is down reports the 100 rows once, and the program ends right after it", async () => {
  const url = await refusedUrl();
  const result = await deno({ url, user: "default", table: TABLE, close: true }, "");
  const t = assertGaveUp(result, {
    table: TABLE,
    cause: "closed",
    from: "afterClose",
    boundMs: BOUNDS_MS.afterClose,
  });
  console.log(
    `[deno] refused port, close(): close() took ${t.close} ms, exit ${t.afterClose} ms after it`,
  );
});

forEachEngine(
  "a Deno program that ends with a wrong password reports its 100 rows once, without a retry",
  async (engine) => {
    const table = await cpuTable(engine);
    const result = await deno(
      { url: engine.url, user: engine.user, table },
      "wrong-password",
    );
    const t = assertGaveUp(result, {
      table,
      cause: "the program ended",
      why: /password/i,
      from: "afterEnd",
      boundMs: BOUNDS_MS.wrongPassword,
    });
    assert.equal(await count(engine, table), 0);
    console.log(
      `[deno] ${engine.name}: wrong password: exit ${t.afterEnd} ms after the end (${t.total} ms in all)`,
    );
  },
);

forEachEngine(
  "control: with the server up, the same Deno program delivers its 100 rows and reports nothing",
  async (engine) => {
    const table = await cpuTable(engine);
    const result = await deno({ url: engine.url, user: engine.user, table }, engine.password);
    const t = assertDelivered(result);
    assert.equal(await count(engine, table), ROWS);
    console.log(
      `[deno] ${engine.name}: server up: ${ROWS} rows, exit ${t.afterEnd} ms after the end`,
    );
  },
);
