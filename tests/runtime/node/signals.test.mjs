// With default options, a Node program using the built module that gets SIGTERM flushes its rows
// first: it then exits with 143, or, when it has a handler of its own, as that handler decides.
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { describe, test } from "node:test";
import { testEngines } from "../_shared/engines.mjs";
import {
  hangingFlushScript,
  idleScript,
  inFreshDatabase,
  noHandlerScript,
  ownHandlerScript,
  silentServer,
  sleep,
  startChild,
} from "../_shared/signals.mjs";

const MOD = pathToFileURL(new URL("../../../dist/mod.js", import.meta.url).pathname).href;
const node = (script, env) => startChild(process.execPath, [], "child.mjs", script, env);

/** Runs `script(db)` in a child Node, sends SIGTERM once it is ready, and waits for its end. */
const stopped = (engine, script) =>
  inFreshDatabase(engine, "node", async (db) => {
    const child = node(script(MOD, engine, db), { PW: engine.password });
    await child.printed("ready");
    child.kill("SIGTERM");
    const { code } = await child.exit;
    return { code, stdout: child.stdout(), stderr: child.stderr() };
  });

for (const engine of testEngines()) {
  describe(`Node signals, default options [${engine.name}]`, () => {
    test("without a handler of its own, SIGTERM flushes the rows, then exits with 143", async () => {
      const { result, rows } = await stopped(engine, noHandlerScript);
      assert.equal(result.code, 143, result.stderr);
      assert.equal(rows, 3);
      console.log(
        `[node] ${engine.name}: SIGTERM, no handler -> ${rows} rows, exit ${result.code}`,
      );
    });

    test("with its own SIGTERM handler, the rows arrive and the handler runs to its end", async () => {
      const { result, rows } = await stopped(engine, ownHandlerScript);
      assert.equal(result.code, 7, result.stderr);
      assert.match(result.stdout, /handler started\nhandler done\n/);
      assert.equal(rows, 3);
      console.log(
        `[node] ${engine.name}: SIGTERM, own handler -> ${rows} rows, exit ${result.code}`,
      );
    });
  });
}

describe("Node signals, default options", () => {
  test("a second SIGTERM ends a flush that hangs at once", async () => {
    const server = await silentServer();
    try {
      const child = node(hangingFlushScript(MOD, server.url), { PW: "" });
      await child.printed("ready");
      child.kill("SIGTERM");
      await sleep(1000);
      assert.ok(child.running(), "the first SIGTERM waits for the flush");
      assert.ok(server.connections() > 0, "the flush is waiting on the silent server");
      const second = Date.now();
      child.kill("SIGTERM");
      const { code, at } = await child.exit;
      assert.equal(code, 143, child.stderr());
      assert.ok(at - second < 2000, `ended ${at - second} ms after the second SIGTERM`);
    } finally {
      await server.close();
    }
  });

  test("a program that writes nothing ends at once: Tusk's listeners keep nothing alive", async () => {
    const child = node(idleScript(MOD, "http://127.0.0.1:9"));
    const { code, at } = await child.exit;
    assert.equal(code, 0, child.stderr());
    assert.equal(child.stdout(), "done\n");
    assert.ok(at - child.started < 5000, `ended in ${at - child.started} ms`);
  });
});

describe("Node signals, in this process", () => {
  test("init() listens once per signal, whatever the clients; flushOnSignals: false on all removes it", async () => {
    const tusk = await import(MOD);
    const counts = () => ["SIGINT", "SIGTERM"].map((sig) => process.listenerCount(sig));
    const before = counts();
    const url = "http://127.0.0.1:9";
    tusk.init({ url, clientName: "signals-a" });
    tusk.init({ url, clientName: "signals-b" });
    assert.deepEqual(counts(), before.map((n) => n + 1));
    tusk.init({ url, clientName: "signals-a", flushOnSignals: false });
    assert.deepEqual(counts(), before.map((n) => n + 1), "signals-b still asks for it");
    tusk.init({ url, clientName: "signals-b", flushOnSignals: false });
    assert.deepEqual(counts(), before);
    await tusk.close();
  });
});
