// With default options, a Bun program running the TypeScript sources that gets SIGTERM flushes its
// rows first: it then exits with 143, or, when it has a handler of its own, as that handler decides.
import { describe, expect, test } from "bun:test";
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

const MOD = new URL("../../../mod.ts", import.meta.url).pathname;
const bun = (script: string, env?: Record<string, string>) =>
  startChild(process.execPath, ["run"], "child.ts", script, env);

type TestEngine = ReturnType<typeof testEngines>[number];
type Script = (mod: string, engine: TestEngine, db: string) => string;

/** Runs `script(db)` in a child Bun, sends SIGTERM once it is ready, and waits for its end. */
const stopped = (engine: TestEngine, script: Script) =>
  inFreshDatabase(engine, "bun", async (db) => {
    const child = bun(script(MOD, engine, db), { PW: engine.password });
    await child.printed("ready");
    child.kill("SIGTERM");
    const { code } = await child.exit;
    return { code, stdout: child.stdout(), stderr: child.stderr() };
  });

for (const engine of testEngines()) {
  describe(`Bun signals, default options [${engine.name}]`, () => {
    test(
      "without a handler of its own, SIGTERM flushes the rows, then exits with 143",
      async () => {
        const { result, rows } = await stopped(engine, noHandlerScript);
        expect(result.code, result.stderr).toBe(143);
        expect(rows).toBe(3);
        console.log(
          `[bun] ${engine.name}: SIGTERM, no handler -> ${rows} rows, exit ${result.code}`,
        );
      },
      30_000,
    );

    test(
      "with its own SIGTERM handler, the rows arrive and the handler runs to its end",
      async () => {
        const { result, rows } = await stopped(engine, ownHandlerScript);
        expect(result.code, result.stderr).toBe(7);
        expect(result.stdout).toMatch(/handler started\nhandler done\n/);
        expect(rows).toBe(3);
        console.log(
          `[bun] ${engine.name}: SIGTERM, own handler -> ${rows} rows, exit ${result.code}`,
        );
      },
      30_000,
    );
  });
}

describe("Bun signals, default options", () => {
  test("a second SIGTERM ends a flush that hangs at once", async () => {
    const server = await silentServer();
    try {
      const child = bun(hangingFlushScript(MOD, server.url), { PW: "" });
      await child.printed("ready");
      child.kill("SIGTERM");
      await sleep(1000);
      expect(child.running(), "the first SIGTERM waits for the flush").toBe(true);
      expect(server.connections(), "the flush waits on the silent server").toBeGreaterThan(0);
      const second = Date.now();
      child.kill("SIGTERM");
      const { code, at } = await child.exit;
      expect(code, child.stderr()).toBe(143);
      expect(at - second).toBeLessThan(2000);
    } finally {
      await server.close();
    }
  }, 30_000);

  test(
    "a program that writes nothing ends at once: Tusk's listeners keep nothing alive",
    async () => {
      const child = bun(idleScript(MOD, "http://127.0.0.1:9"));
      const { code, at } = await child.exit;
      expect(code, child.stderr()).toBe(0);
      expect(child.stdout()).toBe("done\n");
      expect(at - child.started).toBeLessThan(5000);
    },
    30_000,
  );
});
