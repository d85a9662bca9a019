// 10,000 bad rows mixed into 100,000 good ones (1,000,000 with TUSK_FULL_FAULTS=1): unknown keys,
// wrong types, NaN, too-long FixedString values, cyclic objects, lone surrogates. Rows written
// before the schema is known are checked when it arrives (reported, counted `invalid`); later ones
// throw at write(). Then a column changes type under the running writer: the server rejects rows
// that no longer fit, the batch is split, the rest delivered, the rejects counted and reported.
import assert from "node:assert/strict";
import * as tusk from "../../../mod.ts";
import { freshDatabase, selectRows, sql } from "../../_helpers/engines.ts";
import { forEachEngine, uniqueClient } from "../../_helpers/for_each_engine.ts";
import { client, figure, FULL, totals } from "./_faults.ts";

const GOOD = FULL ? 1_000_000 : 100_000;
const BAD = 10_000;

function badRow(k: number, id: number): Record<string, unknown> {
  const cyclic: Record<string, unknown> = { id };
  cyclic.self = cyclic;
  const loop: unknown[] = ["a"];
  loop.push(loop);
  switch (k % 7) {
    case 0:
      return { id, nope: 1 }; // unknown key
    case 1:
      return { id, v: "high" }; // wrong type
    case 2:
      return { id, v: NaN };
    case 3:
      return { id, code: "toolong" }; // FixedString(4)
    case 4:
      return { id, note: cyclic }; // a cyclic object where a string goes
    case 5:
      return { id, tags: loop }; // a cyclic array
    default:
      return { id, note: "bad \uD800 surrogate" };
  }
}

forEachEngine("faults: bad rows mixed into good ones: every good row arrives", async (e) => {
  const db = await freshDatabase(e, "bad_rows");
  const table = `${db}.t`;
  await sql(
    e,
    `CREATE TABLE ${table} (id UInt64, at DateTime, note String, code FixedString(4), ` +
      `v Float64, tags Array(String), extra Nullable(String)) ENGINE = MergeTree ORDER BY id`,
  );
  const clientName = uniqueClient("bad");
  const errors = client(e, e.url, clientName, {
    buffer: { maxRows: 2_000_000, maxBytes: 512 * 1024 * 1024 },
    batching: { period: 3600, maxRows: 10_000, maxBufferedRows: 2_000_000 },
  });
  const started = performance.now();
  try {
    const m = tusk.metric({ table, clientName });
    const every = Math.floor(GOOD / BAD);
    let id = 0;
    let bad = 0;
    let thrown = 0;
    const kinds = new Set<string>();
    const write = (row: Record<string, unknown>) => {
      try {
        m.write(row);
      } catch (error) {
        assert.ok(error instanceof tusk.TuskValidationError, String(error));
        kinds.add(error.reason.slice(0, 20));
        thrown++;
      }
    };
    // The first tenth is written before the schema is known: held, checked when it arrives.
    const early = GOOD / 10;
    for (let g = 0; g < GOOD; g++) {
      if (g === early) await m.ready();
      write({ id: id++, note: "ok", code: "ab", v: g / 3, tags: ["t"] });
      if (g % every === every - 1) write(badRow(bad++, 10_000_000_000 + bad));
    }
    await m.flush();
    const writeMs = performance.now() - started;
    // A column changed under the running writer: rows that do not fit it are rejected by the server.
    for (let i = 0; i < 2000; i++) {
      write(i % 100 === 0 ? { id: id++, extra: "gone" } : { id: id++ });
    }
    await sql(e, `ALTER TABLE ${table} MODIFY COLUMN extra Nullable(UInt32)`);
    await m.flush();
    const s = totals(clientName);
    const [got] = await selectRows<
      { n: string | number; u: string | number; big: string | number }
    >(
      e,
      `SELECT count() AS n, uniqExact(id) AS u, countIf(id >= 10000000000) AS big FROM ${table}`,
    );
    assert.equal(bad, BAD);
    assert.equal(Number(got!.big), 0, "no bad row stored");
    assert.equal(thrown + (s.dropped.invalid ?? 0), BAD, "every bad row refused and counted");
    assert.equal(s.dropped.rejected, 20, "the server's rejects isolated and counted");
    // Both engines name the refused row, so each costs its batch's request and its own.
    assert.ok(s.failedBatches <= 2 * 20, `${s.failedBatches} failed requests for 20 refused rows`);
    assert.equal(Number(got!.n), GOOD + 2000 - 20, "every good row arrived");
    assert.equal(Number(got!.u), GOOD + 2000 - 20, "once");
    assert.ok(errors.some((x) => x instanceof tusk.TuskValidationError), "early rows reported");
    assert.ok(errors.some((x) => /rejected row: .*"gone"/.test(x.message)), "rejects reported");
    figure(`bad rows [${e.name}]`, {
      good: GOOD,
      bad: BAD,
      thrownAtWrite: thrown,
      reportedInvalid: s.dropped.invalid ?? 0,
      serverRejected: s.dropped.rejected,
      failedBatches: s.failedBatches,
      writeAndFlushMs: Math.round(writeMs),
      reasons: kinds.size,
    });
  } finally {
    await tusk.close();
    await sql(e, `DROP DATABASE ${db}`);
  }
});
