import assert from "node:assert/strict";
import { freshDatabase, selectRows, sql } from "../_helpers/engines.ts";
import { forEachEngine } from "../_helpers/for_each_engine.ts";
import { spawnDenoScript } from "../_helpers/deno_script.ts";

const MOD = new URL("../../mod.ts", import.meta.url).href;

for (const [signal, exitCode] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
  forEachEngine(
    `init({ flushOnSignals: true }) flushes a Deno program stopped by ${signal}`,
    async (engine) => {
      const db = await freshDatabase(engine, "signal");
      await sql(
        engine,
        `CREATE TABLE ${db}.cpu (region String, usage Float64, datetime DateTime) ENGINE = Memory`,
      );
      const script = `
      import * as tusk from "${MOD}";
      tusk.init({
        url: "${engine.url}",
        user: "${engine.user}",
        password: Deno.env.get("PW"),
        flushOnSignals: true,
      });
      const cpu = tusk.metric("${db}.cpu");
      for (let i = 0; i < 3; i++) cpu.write({ region: "r" + i, usage: i / 10 });
      setInterval(() => {}, 1000);
      console.log("ready");
    `;
      const child = await spawnDenoScript(script, { PW: engine.password });
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let seen = "";
      while (!seen.includes("ready")) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += value;
      }
      child.kill(signal);
      await reader.cancel();
      const stderr = await new Response(child.stderr).text();
      const status = await child.status;
      assert.equal(status.code, exitCode, stderr);
      const rows = await selectRows(engine, `SELECT region FROM ${db}.cpu ORDER BY region`);
      assert.deepEqual(rows, [{ region: "r0" }, { region: "r1" }, { region: "r2" }]);
      await sql(engine, `DROP DATABASE ${db}`);
    },
  );
}
