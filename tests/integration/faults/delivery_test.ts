// Server down at start, lost responses, slow responses and Retry-After: every row arrives, once
// where the table deduplicates (modern engine, insert_deduplication_token).
import assert from "node:assert/strict";
import * as tusk from "../../../mod.ts";
import { freshDatabase, sql } from "../../_helpers/engines.ts";
import { forEachEngine, uniqueClient } from "../../_helpers/for_each_engine.ts";
import { FaultProxy } from "./_proxy.ts";
import { buffered, client, countIds, drive, figure, idsTable, totals } from "./_faults.ts";

const START = Date.UTC(2024, 0, 2, 3, 4, 5);

forEachEngine("faults: server down at start, then up: every row arrives once", async (engine) => {
  const db = await freshDatabase(engine, "down_at_start");
  const table = await idsTable(engine, db);
  const proxy = FaultProxy.start(engine.url, { kind: "refuse" });
  const clock = new tusk.FakeClock(START);
  const clientName = uniqueClient("down");
  const errors = client(engine, proxy.url, clientName, {
    clock,
    batching: { period: 1, maxRows: 500 },
  });
  try {
    const m = tusk.metric({ table, clientName });
    let id = 0;
    // 20 "seconds" of writes while the server cannot be reached: the schema cannot be read,
    // so rows wait unchecked, and every flush fails and backs off.
    for (let s = 0; s < 20; s++) {
      for (let i = 0; i < 250; i++) m.write({ id: id++, note: `n${id}` });
      await clock.tick(1000);
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(totals(clientName).written, 0);
    assert.ok(errors.length > 0, "the outage was reported");
    const during = tusk.stats()[`${clientName}/${table}`]!;
    assert.ok(during.failedBatches > 0, "the failed attempts (schema reads) are counted");
    assert.match(during.lastError ?? "", /Cannot read the columns/);
    assert.ok(during.lastErrorAt !== undefined, "the last error says when it happened");
    proxy.mode = { kind: "pass" };
    for (let i = 0; i < 1000; i++) m.write({ id: id++ }); // and more after it is back
    await drive(clock, () => totals(clientName).pending === 0, "all rows delivered");
    const got = await countIds(engine, table);
    assert.deepEqual(got, { rows: id, ids: id }, "every row once");
    assert.equal(totals(clientName).written, id);
    assert.deepEqual(totals(clientName).dropped, {});
  } finally {
    await tusk.close();
    proxy.close();
    await sql(engine, `DROP DATABASE ${db}`);
  }
});

forEachEngine(
  "faults: lost responses are retried with the same token (no duplicates where it deduplicates)",
  async (engine) => {
    const db = await freshDatabase(engine, "lost_response");
    const table = await idsTable(engine, db, "t", engine.modern ? 1000 : 0);
    const proxy = FaultProxy.start(engine.url);
    const clock = new tusk.FakeClock(START);
    const clientName = uniqueClient("lost");
    client(engine, proxy.url, clientName, { clock, batching: { period: 3600, maxRows: 5000 } });
    try {
      const m = tusk.metric({ table, clientName });
      await m.ready();
      m.write({ id: 0 });
      await m.flush(); // reads the server's settings through a healthy connection
      proxy.record = true;
      let id = 1;
      const rounds = 5;
      for (let round = 0; round < rounds; round++) {
        for (let i = 0; i < 1000; i++) m.write({ id: id++ });
        proxy.mode = { kind: "cut" }; // the server stores the batch; its answer is lost
        await assert.rejects(m.flush());
        proxy.mode = { kind: "pass" };
        await drive(clock, () => totals(clientName).pending === 0, "the retry");
      }
      const got = await countIds(engine, table);
      const text = new TextDecoder().decode(
        new Uint8Array(proxy.requests.flatMap((c) => [...c])),
      );
      const tokens = [...text.matchAll(/insert_deduplication_token=([0-9a-f-]+)/g)].map((m) =>
        m[1]
      );
      assert.equal(got.ids, id, "no row lost");
      if (engine.modern) {
        assert.equal(got.rows, id, "zero duplicates on a deduplicating table");
        assert.equal(tokens.length, 2 * rounds, "each insert carries a token");
        for (let i = 0; i < tokens.length; i += 2) {
          assert.equal(tokens[i], tokens[i + 1], "the retry carries the same token");
        }
      } else {
        assert.equal(tokens.length, 0, "18.16 never gets insert_deduplication_token");
        assert.equal(got.rows - got.ids, rounds * 1000, "18.16: each lost response duplicates");
      }
      figure(`lost responses [${engine.name}]`, {
        rows: got.rows,
        distinct: got.ids,
        duplicates: got.rows - got.ids,
        retried: totals(clientName).retried,
      });
    } finally {
      await tusk.close();
      proxy.close();
      await sql(engine, `DROP DATABASE ${db}`);
    }
  },
);

forEachEngine(
  "faults: slow server (responses past requestTimeout): retries, no loss, bounded memory",
  async (engine) => {
    const db = await freshDatabase(engine, "slow");
    const table = await idsTable(engine, db, "t", engine.modern ? 1000 : 0);
    const proxy = FaultProxy.start(engine.url);
    const clock = new tusk.FakeClock(START);
    const clientName = uniqueClient("slow");
    const cap = 8000;
    client(engine, proxy.url, clientName, {
      clock,
      requestTimeout: 0.3,
      buffer: { maxRows: cap },
      batching: { period: 1, maxRows: 1000 },
    });
    try {
      const m = tusk.metric({ table, clientName });
      await m.ready();
      let id = 0;
      m.write({ id: id++ });
      await m.flush(); // reads the server's settings through a healthy connection
      proxy.mode = { kind: "delay", ms: 1000 };
      let maxHeld = 0;
      for (let s = 0; s < 6; s++) {
        for (let i = 0; i < 1000; i++) m.write({ id: id++ });
        await clock.tick(1000);
        await new Promise((r) => setTimeout(r, 350)); // a request times out meanwhile
        maxHeld = Math.max(maxHeld, buffered(clientName).rows);
      }
      assert.ok(totals(clientName).retried > 0, "timed-out batches are retried");
      proxy.mode = { kind: "pass" };
      await drive(clock, () => totals(clientName).pending === 0, "all rows delivered", {
        stepMs: 2000,
      });
      const got = await countIds(engine, table);
      assert.equal(got.ids, id, "no row lost");
      assert.ok(maxHeld <= cap, `memory bounded: ${maxHeld} rows held at most`);
      assert.deepEqual(totals(clientName).dropped, {});
      if (engine.modern) assert.equal(got.rows, id, "zero duplicates on a deduplicating table");
      figure(`slow server [${engine.name}]`, {
        written: id,
        distinct: got.ids,
        duplicates: got.rows - got.ids,
        retried: totals(clientName).retried,
        maxHeldRows: maxHeld,
        cap,
      });
    } finally {
      await tusk.close();
      proxy.close();
      await sql(engine, `DROP DATABASE ${db}`);
    }
  },
);

forEachEngine("faults: 503 with Retry-After waits as long as the server asks", async (engine) => {
  const db = await freshDatabase(engine, "retry_after");
  const table = await idsTable(engine, db);
  const proxy = FaultProxy.start(engine.url);
  const clock = new tusk.FakeClock(START);
  const clientName = uniqueClient("ra");
  const errors = client(engine, proxy.url, clientName, {
    clock,
    batching: { period: 3600 },
  });
  try {
    const m = tusk.metric({ table, clientName });
    await m.ready();
    m.write({ id: 1 });
    await m.flush();
    m.write({ id: 2 });
    proxy.mode = { kind: "status", status: 503, retryAfter: "30" };
    const flushError = await m.flush().then(() => undefined, (e) => e);
    assert.ok(flushError instanceof tusk.TuskFlushError);
    assert.deepEqual(flushError.tables.map((t) => [t.table, t.rows]), [[table, 1]]);
    assert.equal(flushError.retrying, true);
    const failed = flushError.cause;
    assert.ok(failed instanceof tusk.TuskClickHouseError);
    assert.equal(failed.retryAfterMs, 30_000);
    assert.equal(failed.retryable, true);
    assert.ok(errors.some((e) => /503|injected/.test(e.message)));
    proxy.mode = { kind: "pass" };
    const before = proxy.counts.connections;
    await clock.tick(20_000); // the 1 s backoff alone would have retried by now
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(proxy.counts.connections, before, "no retry before Retry-After");
    await drive(clock, () => totals(clientName).pending === 0, "the retry after 30 s");
    assert.deepEqual(await countIds(engine, table), { rows: 2, ids: 2 });
  } finally {
    await tusk.close();
    proxy.close();
    await sql(engine, `DROP DATABASE ${db}`);
  }
});
