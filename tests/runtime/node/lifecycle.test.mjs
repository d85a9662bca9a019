// A Node program using the built module delivers its rows when it ends normally, and, with
// `flushOnSignals: true`, when SIGINT or SIGTERM stops it.
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { describe, test } from "node:test";
import { testEngines } from "../_shared/engines.mjs";
import { childScript, runInFreshDatabase, SIGNAL_EXIT } from "../_shared/lifecycle.mjs";
import { appExample } from "../_shared/docs.mjs";

const MOD = pathToFileURL(new URL("../../../dist/mod.js", import.meta.url).pathname).href;

for (const engine of testEngines()) {
  describe(`Node lifecycle [${engine.name}]`, () => {
    const run = (options, signal, script = (db) => childScript(MOD, engine, db, options)) =>
      runInFreshDatabase(engine, {
        runtime: "node",
        command: process.execPath,
        args: [],
        file: "child.mjs",
        script,
        signal,
      });

    test("a program that ends without flush() still delivers its rows", async () => {
      const r = await run({});
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.ms < 20_000, `ended in ${r.ms} ms: no timer held it`);
      assert.equal(r.rows, 3);
      console.log(`[node] ${engine.name}: normal exit -> ${r.rows} rows read back`);
    });

    test("the README's Node example runs as written and delivers its row", async () => {
      const r = await run({}, undefined, (db) => appExample("node", MOD, db));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.rows, 1);
      console.log(`[node] ${engine.name}: README example -> ${r.rows} row read back`);
    });

    for (const signal of ["SIGTERM", "SIGINT"]) {
      test(`flushOnSignals: ${signal} flushes, then exits with ${SIGNAL_EXIT[signal]}`, async () => {
        const r = await run({ flushOnSignals: true }, signal);
        assert.equal(r.code, SIGNAL_EXIT[signal], r.stderr);
        assert.equal(r.rows, 3);
        console.log(`[node] ${engine.name}: ${signal} -> ${r.rows} rows read back`);
      });
    }

    test("with flushOnSignals: false, init() registers no signal listener", async () => {
      const tusk = await import(MOD);
      const before = ["SIGINT", "SIGTERM"].map((sig) => process.listenerCount(sig));
      tusk.init({
        url: engine.url,
        clientName: `no-signals-${engine.name}`,
        flushOnSignals: false,
      });
      assert.deepEqual(["SIGINT", "SIGTERM"].map((sig) => process.listenerCount(sig)), before);
      await tusk.getClient(`no-signals-${engine.name}`).close();
    });
  });
}
