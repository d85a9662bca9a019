import assert from "node:assert/strict";
import { freshDatabase, selectRows, sql, type TestEngine } from "../_helpers/engines.ts";
import { forEachEngine } from "../_helpers/for_each_engine.ts";
import { spawnDenoScript } from "../_helpers/deno_script.ts";

const MOD = new URL("../../mod.ts", import.meta.url).href;

/** A child Deno program, its output collected as it comes. */
interface Child {
  printed(text: string): Promise<void>;
  stdout(): string;
  kill(signal: Deno.Signal): void;
  /** Resolves with the exit code and when the program ended. */
  ended: Promise<{ code: number; stderr: string; at: number }>;
  started: number;
}

async function start(script: string, env: Record<string, string> = {}): Promise<Child> {
  const started = Date.now();
  const child = await spawnDenoScript(script, env);
  let stdout = "";
  const waiting = new Set<() => void>();
  const reading = (async () => {
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      stdout += chunk;
      for (const wake of waiting) wake();
    }
  })();
  const ended = (async () => {
    const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
    const at = Date.now();
    await reading;
    for (const wake of waiting) wake();
    return { code: status.code, stderr, at };
  })();
  let done = false;
  ended.then(() => (done = true));
  const printed = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const wake = () => {
        if (stdout.includes(text)) resolve();
        else if (done) reject(new Error(`The program ended without printing "${text}"`));
        else return;
        waiting.delete(wake);
      };
      waiting.add(wake);
      wake();
    });
  return { printed, stdout: () => stdout, kill: (s) => child.kill(s), ended, started };
}

/** `init()` with `options` (defaults when empty), then 3 rows into `table`. */
function initAndWrite(engine: { url: string; user: string }, table: string, options = ""): string {
  return `
    import * as tusk from "${MOD}";
    tusk.init({ url: "${engine.url}", user: "${engine.user}", password: Deno.env.get("PW"), ${options} });
    const cpu = tusk.metric("${table}");
    for (let i = 0; i < 3; i++) cpu.write({ region: "r" + i, usage: i / 10 });
  `;
}

const KEEP_ALIVE = `setInterval(() => {}, 1000); console.log("ready");`;

async function cpuTable(engine: TestEngine, prefix: string): Promise<string> {
  const db = await freshDatabase(engine, prefix);
  await sql(
    engine,
    `CREATE TABLE ${db}.cpu (region String, usage Float64, datetime DateTime) ENGINE = Memory`,
  );
  return db;
}

async function regions(engine: TestEngine, db: string): Promise<string[]> {
  const rows = await selectRows(engine, `SELECT region FROM ${db}.cpu ORDER BY region`);
  await sql(engine, `DROP DATABASE ${db}`);
  return rows.map((r) => String(r.region));
}

for (const [signal, exitCode] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
  forEachEngine(
    `init() with defaults flushes a Deno program stopped by ${signal}, then exits with ${exitCode}`,
    async (engine) => {
      const db = await cpuTable(engine, "signal");
      const child = await start(initAndWrite(engine, `${db}.cpu`) + KEEP_ALIVE, {
        PW: engine.password,
      });
      await child.printed("ready");
      child.kill(signal);
      const { code, stderr } = await child.ended;
      assert.equal(code, exitCode, stderr);
      assert.deepEqual(await regions(engine, db), ["r0", "r1", "r2"]);
    },
  );
}

forEachEngine(
  "init() with defaults flushes on SIGTERM and leaves the exit to the program's own handler",
  async (engine) => {
    const handler = (add: string) => `
      ${add}("SIGTERM", async () => {
        console.log("handler started");
        await new Promise((resolve) => setTimeout(resolve, 1000));
        console.log("handler done");
        Deno.exit(7);
      });
    `;
    const cases = {
      "Deno.addSignalListener after init()": (table: string) =>
        initAndWrite(engine, table) + handler("Deno.addSignalListener") + KEEP_ALIVE,
      "process.once before init()": (table: string) =>
        `import process from "node:process";\n` + handler("process.once") +
        initAndWrite(engine, table) + KEEP_ALIVE,
    };
    for (const [name, script] of Object.entries(cases)) {
      const db = await cpuTable(engine, "signal");
      const child = await start(script(`${db}.cpu`), { PW: engine.password });
      await child.printed("ready");
      child.kill("SIGTERM");
      const { code, stderr } = await child.ended;
      assert.equal(code, 7, `${name}: ${stderr}`);
      assert.match(child.stdout(), /handler started\nhandler done\n/, name);
      assert.deepEqual(await regions(engine, db), ["r0", "r1", "r2"], name);
    }
  },
);

forEachEngine(
  "init({ flushOnSignals: false }) leaves SIGTERM alone: the program ends at once",
  async (engine) => {
    const db = await cpuTable(engine, "signal");
    const script = initAndWrite(engine, `${db}.cpu`, "flushOnSignals: false") + KEEP_ALIVE;
    const child = await start(script, { PW: engine.password });
    await child.printed("ready");
    child.kill("SIGTERM");
    const { code } = await child.ended;
    assert.equal(code, 143);
    assert.deepEqual(await regions(engine, db), [], "nothing flushed them");
  },
);

Deno.test("a second SIGTERM ends a Deno program whose flush hangs at once", async () => {
  // A server that accepts connections and never answers.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) conns.push(conn);
  })();
  try {
    const url = `http://127.0.0.1:${listener.addr.port}`;
    const child = await start(initAndWrite({ url, user: "default" }, "db.cpu") + KEEP_ALIVE);
    await child.printed("ready");
    child.kill("SIGTERM");
    const first = await Promise.race([child.ended, new Promise((r) => setTimeout(r, 1000))]);
    assert.equal(first, undefined, "the first SIGTERM waits for the flush");
    assert.ok(conns.length > 0, "the flush is waiting on the silent server");
    const second = Date.now();
    child.kill("SIGTERM");
    const { code, stderr, at } = await child.ended;
    assert.equal(code, 143, stderr);
    assert.ok(at - second < 2000, `ended ${at - second} ms after the second SIGTERM`);
  } finally {
    listener.close();
    await accepting.catch(() => {});
    for (const conn of conns) conn.close();
  }
});

Deno.test("SIGTERM with ClickHouse down: the flush is bounded by closeTimeout and what is held is reported per table", async () => {
  // A port nothing listens on: every attempt is refused.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${listener.addr.port}`;
  listener.close();
  const child = await start(
    initAndWrite({ url, user: "default" }, "db.cpu", "closeTimeout: 1.5") + KEEP_ALIVE,
  );
  await child.printed("ready");
  const sent = Date.now();
  child.kill("SIGTERM");
  const { code, stderr, at } = await child.ended;
  assert.equal(code, 143, stderr);
  assert.ok(at - sent < 4000, `ended ${at - sent} ms after SIGTERM (closeTimeout 1.5 s)`);
  const reports = stderr.split("\n").filter((l) => l.includes("Cannot deliver"));
  assert.equal(reports.length, 1, stderr);
  assert.match(
    reports[0]!,
    /Cannot deliver 3 rows of "db\.cpu" \(client "default"\): still held when SIGTERM arrived/,
  );
});

Deno.test("a Deno program that writes nothing ends at once: Tusk's listeners keep nothing alive", async () => {
  const child = await start(`
    import * as tusk from "${MOD}";
    tusk.init({ url: "http://127.0.0.1:9" });
    tusk.metric("db.cpu");
    console.log("done");
  `);
  const { code, stderr, at } = await child.ended;
  assert.equal(code, 0, stderr);
  assert.equal(child.stdout(), "done\n");
  assert.ok(at - child.started < 5000, `ended in ${at - child.started} ms`);
});
