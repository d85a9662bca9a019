// A Bun program running the TypeScript sources delivers its rows when it ends normally, and, with
// `flushOnSignals: true`, when SIGINT or SIGTERM stops it.
import { describe, expect, test } from "bun:test";
import { testEngines } from "../_shared/engines.mjs";
import { childScript, runInFreshDatabase, SIGNAL_EXIT } from "../_shared/lifecycle.mjs";
import { appExample } from "../_shared/docs.mjs";

const MOD = new URL("../../../mod.ts", import.meta.url).pathname;

for (const engine of testEngines()) {
  describe(`Bun lifecycle [${engine.name}]`, () => {
    const run = (
      options: { flushOnSignals?: boolean },
      signal?: "SIGINT" | "SIGTERM",
      script = (db: string) => childScript(MOD, engine, db, options),
    ) =>
      runInFreshDatabase(engine, {
        runtime: "bun",
        command: process.execPath,
        args: ["run"],
        file: "child.ts",
        script,
        signal,
      });

    test("a program that ends without flush() still delivers its rows", async () => {
      const r = await run({});
      expect(r.code, r.stderr).toBe(0);
      expect(r.ms).toBeLessThan(20_000);
      expect(r.rows).toBe(3);
      console.log(`[bun] ${engine.name}: normal exit -> ${r.rows} rows read back`);
    }, 30_000);

    test("the README's Bun example runs as written and delivers its row", async () => {
      const r = await run({}, undefined, (db) => appExample("bun", MOD, db));
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
