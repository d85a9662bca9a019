// Scaling figures into the bench's server, 100,000 rows each time: rows per batch, columns per
// row, tables per client. Each says which options it sets (see the report's text).

import * as tusk from "../mod.ts";
import { type BenchServer, collectGarbage, type Sample, timed } from "./_e2e_helpers.ts";
import { createTable, rowAt, wideColumns, wideRowAt } from "./_rows.ts";

const N = 100_000;

/**
 * Options of the columns and tables figures: every row held until the flush, so `write()` is
 * timed alone and each table goes in one insert.
 */
export const HOLD_ALL = {
  batching: { maxRows: N, maxBytes: 2 ** 30, maxBufferedRows: N, period: 3600 },
  buffer: { maxRows: 2 * N, maxBytes: 2 ** 31 - 1 },
} as const;

const yieldNow = () => new Promise((r) => setTimeout(r, 0));

/**
 * Rows per batch (`batching.maxRows` only; 10,000 is the default), columns per row and tables,
 * `rounds` times each.
 *
 * @returns The samples: kinds `batch`, `columns`, `tables`.
 */
export async function scaling(server: BenchServer, rounds: number): Promise<Sample[]> {
  const { url, user, password, sql } = server;
  const samples: Sample[] = [];
  for (const perBatch of [1_000, 10_000, 100_000]) {
    const clientName = `bench-batch-${perBatch}`;
    tusk.init({ url, user, password, clientName, batching: { maxRows: perBatch } });
    const m = tusk.metric({ table: "bench.m", clientName });
    await m.ready();
    for (let round = 0; round < rounds; round++) {
      await sql("TRUNCATE TABLE bench.m");
      collectGarbage();
      const ms = await timed(async () => {
        for (let i = 0; i < N; i++) {
          m.write(rowAt(i, "ms"));
          if (i % 10_000 === 9_999) await yieldNow();
        }
        await m.flush();
      });
      samples.push({ kind: "batch", n: N, name: String(perBatch), ms, bytes: 0 });
    }
    await tusk.getClient(clientName)?.close();
  }
  for (const columns of [4, 16, 64]) {
    const table = `bench.wide${columns}`;
    await sql(`DROP TABLE IF EXISTS ${table}`);
    await sql(
      `CREATE TABLE ${table} (${
        wideColumns(columns).map(([c, t]) => `${c} ${t}`).join(", ")
      }) ENGINE = MergeTree ORDER BY (host, time)`,
    );
    const clientName = `bench-wide-${columns}`;
    tusk.init({ url, user, password, clientName, ...HOLD_ALL });
    const m = tusk.metric({ table, clientName });
    await m.ready();
    const rows = Array.from({ length: N }, (_, i) => wideRowAt(i, columns));
    for (let round = 0; round < rounds; round++) {
      let sink = 0;
      const floor = await timed(() => {
        for (const r of rows) sink += JSON.stringify(r).length;
      });
      const write = await timed(() => {
        for (const r of rows) m.write(r);
      });
      await m.flush();
      samples.push({ kind: "columns", n: N, name: String(columns), ms: write, bytes: 0, floor });
      if (sink < 0) console.log(sink);
    }
    await tusk.getClient(clientName)?.close();
  }
  for (const tables of [1, 10, 100]) {
    for (let t = 0; t < tables; t++) {
      await sql(`DROP TABLE IF EXISTS bench.t${t}`);
      await sql(createTable(`bench.t${t}`));
    }
    const clientName = `bench-tables-${tables}`;
    tusk.init({ url, user, password, clientName, ...HOLD_ALL });
    const ms = Array.from(
      { length: tables },
      (_, t) => tusk.metric({ table: `bench.t${t}`, clientName }),
    );
    for (const m of ms) await m.ready();
    for (let round = 0; round < rounds; round++) {
      const took = await timed(async () => {
        for (let i = 0; i < N; i++) ms[i % tables]!.write(rowAt(i, "ms"));
        await tusk.getClient(clientName)!.flush();
      });
      samples.push({ kind: "tables", n: N, name: String(tables), ms: took, bytes: 0 });
    }
    await tusk.getClient(clientName)?.close();
    for (let t = 0; t < tables; t++) await sql(`DROP TABLE bench.t${t}`);
  }
  return samples;
}
