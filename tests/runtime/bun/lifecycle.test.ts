// A Bun program running the TypeScript sources delivers its rows when it ends normally, and, with
// `flushOnSignals: true`, when SIGINT or SIGTERM stops it.
import { describe, expect, test } from "bun:test";
import { dropDatabase, testEngines } from "../_shared/engines.mjs";
import { childScript, cpuTable, rowsOf, runChild, SIGNAL_EXIT } from "../_shared/lifecycle.mjs";
import { appExample } from "../_shared/docs.mjs";

const MOD = new URL("../../../mod.ts", import.meta.url).pathname;

for (const engine of testEngines()) {
  describe(`Bun lifecycle [${engine.name}]`, () => {
    type Script = (mod: string, db: string) => string;
    const run = async (
      options: { flushOnSignals?: boolean },
      signal?: "SIGINT" | "SIGTERM",
      script: Script = (mod, db) => childScript(mod, engine, db, options),
    ) => {
      const db = `tusk_rt_bun_exit_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
      await cpuTable(engine, db);
      try {
        const result = await runChild(process.execPath, ["run"], "child.ts", script(MOD, db), {
          env: {
            PW: engine.password,
            CLICKHOUSE_URL: engine.url,
            CLICKHOUSE_USER: engine.user,
            CLICKHOUSE_PASSWORD: engine.password,
          },
          signal,
        });
        return { ...result, rows: await rowsOf(engine, db) };
      } finally {
        await dropDatabase(engine, db);
      }
    };

    test("a program that ends without flush() still delivers its rows", async () => {
      const r = await run({});
      expect(r.code, r.stderr).toBe(0);
      expect(r.ms).toBeLessThan(20_000);
      expect(r.rows).toBe(3);
      console.log(`[bun] ${engine.name}: normal exit -> ${r.rows} rows read back`);
    }, 30_000);

    test("the README's Bun example runs as written and delivers its row", async () => {
      const r = await run({}, undefined, (mod, db) => appExample("bun", mod, db));
      expect(r.code, r.stderr).toBe(0);
      expect(r.rows).toBe(1);
      console.log(`[bun] ${engine.name}: README example -> ${r.rows} row read back`);
    }, 30_000);

    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      test(
        `flushOnSignals: ${signal} flushes, then exits with ${SIGNAL_EXIT[signal]}`,
        async () => {
          const r = await run({ flushOnSignals: true }, signal);
          expect(r.code, r.stderr).toBe(SIGNAL_EXIT[signal]);
          expect(r.rows).toBe(3);
          console.log(`[bun] ${engine.name}: ${signal} -> ${r.rows} rows read back`);
        },
        30_000,
      );
    }
  });
}
