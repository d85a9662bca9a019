// An outage longer than the buffer can hold: memory stays under the client's cap, the oldest rows
// are dropped and counted exactly (delivered + dropped = written), heartbeat-priority rows last.
import assert from "node:assert/strict";
import * as tusk from "../../../mod.ts";
import { clientSlot } from "../../../src/client/registry.ts";
import { freshDatabase, sql } from "../../_helpers/engines.ts";
import { forEachEngine, uniqueClient } from "../../_helpers/for_each_engine.ts";
import { FaultProxy } from "./_proxy.ts";
import { buffered, client, countIds, drive, figure, idsTable } from "./_faults.ts";

forEachEngine("faults: outage longer than the buffer: capped, drops counted exactly", async (e) => {
  const db = await freshDatabase(e, "outage");
  const events = await idsTable(e, db, "events");
  const beats = await idsTable(e, db, "beats");
  const proxy = FaultProxy.start(e.url);
  const clock = new tusk.FakeClock(Date.UTC(2024, 0, 1));
  const clientName = uniqueClient("outage");
  const maxRows = 5000;
  const maxBytes = 400_000;
  const errors = client(e, proxy.url, clientName, {
    clock,
    buffer: { maxRows, maxBytes },
    batching: { period: 1, maxRows: 1000 },
  });
  try {
    const m = tusk.metric({ table: events, clientName });
    const core = clientSlot(clientName);
    const beatWriter = core.writer({ database: db, tableName: "beats", timeColumn: undefined }, {
      period: 1,
    }, { priority: "high" });
    await m.ready();
    await beatWriter.schema();
    m.write({ id: 0 });
    await m.flush(); // server settings read while healthy
    proxy.mode = { kind: "refuse" };
    let id = 1;
    let beatsWritten = 0;
    let maxHeld = 0;
    let maxHeldBytes = 0;
    for (let s = 0; s < 40; s++) {
      // Some rows are long, so the byte cap bites too.
      for (let i = 0; i < 500; i++) {
        m.write({ id: id++, note: i % 10 === 0 ? "y".repeat(400) : "" });
      }
      beatWriter.write({ id: beatsWritten++ });
      await clock.tick(1000);
      await new Promise((r) => setTimeout(r, 5));
      const b = buffered(clientName);
      maxHeld = Math.max(maxHeld, b.rows);
      maxHeldBytes = Math.max(maxHeldBytes, b.bytes);
      // A beat written while every event row is in flight takes the cap over until that insert
      // ends (it is not the beat's turn to go, and the event rows are not gone): at most the
      // beats written so far, a few bytes each.
      assert.ok(
        b.rows <= maxRows + beatsWritten && b.bytes <= maxBytes + 20 * beatsWritten,
        `over the cap: ${JSON.stringify(b)}`,
      );
    }
    proxy.mode = { kind: "pass" };
    await drive(clock, () => core.pending === 0, "the rest delivered", { stepMs: 5000 });
    const [ev, bt] = core.stats().sort((a, b) => a.table.localeCompare(b.table)).reverse();
    assert.equal(ev!.table, events);
    const delivered = (await countIds(e, events)).rows;
    const dropped = ev!.dropped.buffer_full ?? 0;
    assert.ok(dropped > 0, "the outage overflowed the buffer");
    assert.equal(delivered + dropped, id, "delivered + dropped = written, exactly");
    assert.equal(ev!.written, delivered);
    assert.equal((await countIds(e, beats)).rows, beatsWritten, "heartbeat rows kept");
    assert.deepEqual(bt!.dropped, {});
    assert.ok(errors.some((x) => /dropped the oldest; \d+ dropped so far/.test(x.message)));
    assert.ok(errors.length < 50, `drop reports are rate-limited (${errors.length})`);
    figure(`outage over the cap [${e.name}]`, {
      written: id,
      delivered,
      dropped,
      maxHeldRows: maxHeld,
      maxHeldBytes,
      capRows: maxRows,
      capBytes: maxBytes,
      reports: errors.length,
    });
  } finally {
    await tusk.close();
    proxy.close();
    await sql(e, `DROP DATABASE ${db}`);
  }
});
