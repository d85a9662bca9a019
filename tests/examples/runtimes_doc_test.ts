// The Deno example of the README's Runtimes section, run as written (its import pointed at mod.ts).
import assert from "node:assert/strict";
import { appExample } from "../runtime/_shared/docs.mjs";
import { freshDatabase, selectRows, sql } from "../_helpers/engines.ts";
import { forEachEngine } from "../_helpers/for_each_engine.ts";
import { spawnDenoScript } from "../_helpers/deno_script.ts";

const MOD = new URL("../../mod.ts", import.meta.url).href;

forEachEngine("the README's Deno example runs as written and delivers its row", async (engine) => {
  const db = await freshDatabase(engine, "doc_deno");
  try {
    await sql(
      engine,
      `CREATE TABLE ${db}.cpu (region String, instance_id String, usage Float64, ` +
        "datetime DateTime) ENGINE = Memory",
    );
    const child = await spawnDenoScript(appExample("deno", MOD, db), {
      CLICKHOUSE_URL: engine.url,
      CLICKHOUSE_USER: engine.user,
      CLICKHOUSE_PASSWORD: engine.password,
    }, ["--allow-net", "--allow-env"]);
    const result = await child.output();
    assert.equal(result.code, 0, new TextDecoder().decode(result.stderr));
    const rows = await selectRows(engine, `SELECT region, instance_id FROM ${db}.cpu`);
    assert.deepEqual(rows, [{ region: "Tokyo", instance_id: "ABC" }]);
  } finally {
    await sql(engine, `DROP DATABASE IF EXISTS ${db}`);
  }
});
