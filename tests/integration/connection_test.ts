import assert from "node:assert/strict";
import * as tusk from "../../mod.ts";
import { freshDatabase, selectRows, sql, type TestEngine } from "../_helpers/engines.ts";
import { connect, forEachEngine, uniqueClient } from "../_helpers/for_each_engine.ts";

const SECRET = "not-the-password-Zq7";

async function cpuTable(engine: TestEngine): Promise<string> {
  const db = await freshDatabase(engine, "conn");
  await sql(engine, `CREATE TABLE ${db}.cpu (region String, datetime DateTime) ENGINE = Memory`);
  return `${db}.cpu`;
}

forEachEngine(
  "a wrong password is a clear auth error that never shows the password",
  async (engine) => {
    const table = await cpuTable(engine);
    const clientName = uniqueClient("auth");
    const reported: Error[] = [];
    connect(engine, clientName, { password: SECRET, onError: (e) => reported.push(e) });
    try {
      const cpu = tusk.metric({ table, clientName });
      cpu.write({ region: "Tokyo" });
      const flushError = await cpu.flush().then(() => undefined, (e: unknown) => e);
      assert.ok(flushError instanceof tusk.TuskFlushError, `got ${flushError}`);
      assert.match(flushError.message, /1 rows still held \(kept and retried in the background\)/);
      const error = flushError.cause;
      assert.ok(error instanceof tusk.TuskClickHouseError, `got ${error}`);
      assert.equal(error.kind, "auth");
      assert.equal(error.retryable, false);
      assert.ok(error.code === 516 || error.code === 193, `code ${error.code}`);
      const stats = tusk.stats()[`${clientName}/${table}`];
      assert.equal(stats?.pending, 1, "the row is kept for when the password is fixed");
      const everything = JSON.stringify([
        error.message,
        String(error.cause),
        stats,
        reported.map((e) => e.message),
      ]);
      assert.ok(!everything.includes(SECRET), "the password never appears");
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine("a table that does not exist is a clear error naming it", async (engine) => {
  const db = await freshDatabase(engine, "missing");
  const clientName = uniqueClient("missing");
  connect(engine, clientName, { onError: () => {} });
  try {
    const nope = tusk.metric({ table: `${db}.nope`, clientName });
    await assert.rejects(nope.ready(), (e: unknown) => {
      assert.ok(e instanceof tusk.TuskClickHouseError);
      assert.equal(e.kind, "schema");
      assert.equal(
        e.message,
        `Cannot read the columns of "${db}.nope": the table does not exist (or this user cannot see it)`,
      );
      return true;
    });
  } finally {
    await tusk.close();
  }
});

forEachEngine("credentials travel in a header, never in the URL", async (engine) => {
  const table = await cpuTable(engine);
  const clientName = uniqueClient("creds");
  const seen: { url: string; authorization: string | null }[] = [];
  const recording: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    seen.push({ url, authorization: new Headers(init?.headers).get("authorization") });
    return fetch(input, init);
  };
  const withCredentials = engine.url.replace(
    "://",
    `://${engine.user}:${encodeURIComponent(engine.password)}@`,
  );
  tusk.init({ url: withCredentials, clientName, fetch: recording });
  try {
    assert.equal(
      tusk.getClient(clientName)?.url,
      engine.url,
      "the client's URL has no credentials",
    );
    const cpu = tusk.metric({ table, clientName });
    cpu.write({ region: "Tokyo" });
    await cpu.flush();
    assert.ok(seen.length >= 2, "described the table and inserted");
    for (const request of seen) {
      assert.ok(!request.url.includes(engine.password), `password in ${request.url}`);
      assert.ok(!new URL(request.url).username, "no user in the URL");
      assert.equal(request.authorization, `Basic ${btoa(`${engine.user}:${engine.password}`)}`);
    }
  } finally {
    await tusk.close();
  }
});

forEachEngine('compression: "gzip" sends inserts gzipped, and the rows arrive', async (engine) => {
  const table = await cpuTable(engine);
  const clientName = uniqueClient("gzip");
  const inserts: (string | null)[] = [];
  const recording: typeof fetch = (input, init) => {
    const body = init?.body;
    if (body instanceof ArrayBuffer || body instanceof Uint8Array) {
      inserts.push(new Headers(init?.headers).get("content-encoding"));
    }
    return fetch(input, init);
  };
  connect(engine, clientName, { fetch: recording, compression: "gzip" });
  try {
    const cpu = tusk.metric({ table, clientName });
    const regions = Array.from({ length: 2000 }, (_, i) => `region-${i % 7}`);
    for (const region of regions) cpu.write({ region, datetime: 1_700_000_000_000 });
    await cpu.flush();
    assert.deepEqual(inserts, ["gzip"], "one insert, gzipped");
    const rows = await selectRows<{ region: string; n: number | string }>(
      engine,
      `SELECT region, count() AS n FROM ${table} GROUP BY region ORDER BY region`,
    );
    assert.deepEqual(
      rows.map((r) => [r.region, Number(r.n)]),
      Array.from({ length: 7 }, (_, i) => [`region-${i}`, i < 5 ? 286 : 285]),
    );
  } finally {
    await tusk.close();
  }
});

forEachEngine(
  "settings a server does not know are never sent to it, and that is reported",
  async (engine) => {
    const table = await cpuTable(engine);
    const clientName = uniqueClient("settings");
    const inserts: URLSearchParams[] = [];
    const reported: Error[] = [];
    const recording: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const body = typeof init?.body === "string" ? init.body : "";
      if (body.startsWith("INSERT")) inserts.push(url.searchParams);
      return await fetch(input, init);
    };
    connect(engine, clientName, {
      fetch: recording,
      asyncInsert: true, // async_insert and wait_for_async_insert: 21.11 and later
      clickhouseSettings: { max_insert_block_size: 1000 }, // known to every version
      onError: (e) => reported.push(e),
    });
    try {
      const cpu = tusk.metric({ table, clientName });
      cpu.write({ region: "Tokyo" });
      await cpu.flush();
      assert.equal(inserts.length, 1);
      assert.equal(inserts[0]!.get("max_insert_block_size"), "1000");
      if (engine.modern) {
        assert.equal(inserts[0]!.get("async_insert"), "1");
        assert.equal(inserts[0]!.get("wait_for_async_insert"), "1");
        assert.equal(reported.length, 0);
      } else {
        assert.equal(inserts[0]!.has("async_insert"), false);
        assert.equal(inserts[0]!.has("wait_for_async_insert"), false);
        assert.equal(reported.length, 1);
        assert.match(
          reported[0]!.message,
          /^Cannot use settings "async_insert", "wait_for_async_insert": server 18\.16\.1 does not know them; they are not sent$/,
        );
      }
      const rows = await selectRows(engine, `SELECT region FROM ${table}`);
      assert.deepEqual(rows, [{ region: "Tokyo" }]);
    } finally {
      await tusk.close();
    }
  },
);

forEachEngine(
  "an insert the server answered is not timed out because the loop stayed busy past requestTimeout",
  async (engine) => {
    const table = await cpuTable(engine);
    const clientName = uniqueClient("busy");
    let insertSent!: () => void;
    const sent = new Promise<void>((resolve) => insertSent = resolve);
    const recording: typeof fetch = (input, init) => {
      if (typeof init?.body === "string" && init.body.startsWith("INSERT")) insertSent();
      return fetch(input, init);
    };
    const reported: Error[] = [];
    connect(engine, clientName, {
      requestTimeout: 1,
      fetch: recording,
      onError: (e) => reported.push(e),
    });
    try {
      const cpu = tusk.metric({ table, clientName });
      await cpu.ready();
      for (const region of ["Lima", "Paris", "Tokyo"]) {
        cpu.write({ region, datetime: 1_700_000_000_000 });
      }
      const flushed = cpu.flush();
      await sent; // the insert is on its way; the server answers within milliseconds
      blockEventLoop(2_500); // an application's synchronous work, longer than requestTimeout
      await flushed;
      assert.deepEqual(reported.map((e) => e.message), []);
      assert.equal(tusk.stats()[`${clientName}/${table}`]?.retried, 0);
      const rows = await selectRows(engine, `SELECT region FROM ${table} ORDER BY region`);
      assert.deepEqual(rows, [{ region: "Lima" }, { region: "Paris" }, { region: "Tokyo" }]);
    } finally {
      await tusk.close();
    }
  },
);

function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* busy: no timer or I/O callback can run */ }
}
