import assert from "node:assert/strict";
import { freshDatabase, selectRows, sql } from "../_helpers/engines.ts";
import { forEachEngine } from "../_helpers/for_each_engine.ts";
import { spawnDenoScript } from "../_helpers/deno_script.ts";

const MOD = new URL("../../mod.ts", import.meta.url).href;

forEachEngine(
  "a Deno program that ends without flushing still delivers its rows",
  async (engine) => {
    const db = await freshDatabase(engine, "exit");
    await sql(
      engine,
      `CREATE TABLE ${db}.cpu (region String, usage Float64, datetime DateTime) ENGINE = Memory`,
    );
    const script = `
    import * as tusk from "${MOD}";
    tusk.init({ url: "${engine.url}", user: "${engine.user}", password: Deno.env.get("PW") });
    const cpu = tusk.metric("${db}.cpu");
    for (let i = 0; i < 3; i++) cpu.write({ region: "r" + i, usage: i / 10 });
    console.log("wrote 3 rows; exiting without flush()");
  `;
    const started = Date.now();
    const output = await spawnDenoScript(script, { PW: engine.password });
    const result = await output.output();
    const elapsed = Date.now() - started;
    assert.equal(result.code, 0, new TextDecoder().decode(result.stderr));
    assert.ok(
      elapsed < 20_000,
      `the program ended (took ${elapsed} ms): the 60 s period timer did not hold it`,
    );
    const rows = await selectRows(engine, `SELECT region FROM ${db}.cpu ORDER BY region`);
    assert.deepEqual(rows, [{ region: "r0" }, { region: "r1" }, { region: "r2" }]);
  },
);
