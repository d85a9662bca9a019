// Sustained load: 20,000 rows/s from 4 clients into one table, 20 s (5 minutes with
// TUSK_FULL_FAULTS=1), memory sampled: flat, every row accounted for.
import assert from "node:assert/strict";
import * as tusk from "../../../mod.ts";
import { engineOrSkip, freshDatabase, sql } from "../../_helpers/engines.ts";
import { uniqueClient } from "../../_helpers/for_each_engine.ts";
import { buffered, client, countIds, figure, FULL, idsTable, sleep, totals } from "./_faults.ts";

const { engine } = engineOrSkip("clickhouse-18");

Deno.test({
  name: "faults: sustained load from several writers: flat memory, every row accounted for",
  ignore: !engine,
  async fn() {
    const e = engine!;
    const db = await freshDatabase(e, "load");
    const table = await idsTable(e, db);
    const seconds = FULL ? 300 : 20;
    const perSecond = 20_000;
    const writers = 4;
    const tickMs = 50;
    const perTick = perSecond / writers / (1000 / tickMs);
    const names = Array.from({ length: writers }, () => uniqueClient("load"));
    for (const n of names) client(e, e.url, n, { batching: { period: 1, maxRows: 10_000 } });
    const metrics = names.map((clientName) => tusk.metric({ table, clientName }));
    await Promise.all(metrics.map((m) => m.ready()));
    const heap: number[] = [];
    let maxHeld = 0;
    let id = 0;
    const started = performance.now();
    try {
      let next = started;
      while (performance.now() - started < seconds * 1000) {
        for (const m of metrics) {
          for (let i = 0; i < perTick; i++) m.write({ id: id++, note: "load" });
        }
        maxHeld = Math.max(maxHeld, ...names.map((n) => buffered(n).rows));
        if (id % perSecond === 0) heap.push(Math.round(Deno.memoryUsage().heapUsed / 1e6));
        next += tickMs;
        await sleep(Math.max(0, next - performance.now()));
      }
      const elapsed = (performance.now() - started) / 1000;
      await Promise.all(metrics.map((m) => m.flush()));
      const got = await countIds(e, table);
      let dropped = 0;
      let written = 0;
      for (const n of names) {
        const s = totals(n);
        written += s.written;
        dropped += Object.values(s.dropped).reduce((a, b) => a + b, 0);
      }
      assert.equal(written + dropped, id, "delivered + dropped = written");
      assert.equal(got.rows, id, "every row arrived");
      assert.equal(got.ids, id, "once");
      const third = Math.max(1, Math.floor(heap.length / 3));
      const early = Math.max(...heap.slice(0, third));
      const late = Math.max(...heap.slice(-third));
      assert.ok(late < early * 1.5 + 30, `heap grew: ${early} MB -> ${late} MB`);
      figure(`sustained load [${e.name}]`, {
        seconds: Math.round(elapsed),
        rows: id,
        rowsPerSecond: Math.round(id / elapsed),
        dropped,
        maxHeldRowsPerClient: maxHeld,
        heapMB: { first: heap[0], earlyMax: early, lateMax: late, last: heap.at(-1) },
      });
    } finally {
      for (const n of names) await tusk.getClient(n)?.close();
      await sql(e, `DROP DATABASE ${db}`);
    }
  },
});
