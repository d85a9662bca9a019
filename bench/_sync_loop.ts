// The synchronous loop a new user writes first: `write()` for every row without yielding, then
// `await tusk.flush()`, with default options. Nothing is sent while the loop runs, so the buffer's
// caps decide what is kept; every row must still be accounted for (stored or dropped, by reason).

import * as tusk from "../mod.ts";
import { type BenchServer, collectGarbage, type SyncLoopSample } from "./_e2e_helpers.ts";
import type { Row } from "./_rows.ts";

/** The two ways the loop starts. */
export const SYNC_VARIANTS = ["schema not awaited", "after await metric.ready()"] as const;

/**
 * One round of the loop into a truncated `bench.m`, on a fresh client with default options.
 * `JSON.stringify` of the same rows is timed just before, as the loop's yardstick.
 *
 * @param server The bench's server.
 * @param rows The rows, written in order.
 * @param variant Whether `await metric.ready()` runs first (not timed).
 * @param round The round's number, kept in the sample.
 * @returns What the round measured.
 */
export async function syncLoopRound(
  server: BenchServer,
  rows: readonly Row[],
  variant: typeof SYNC_VARIANTS[number],
  round: number,
): Promise<SyncLoopSample> {
  await server.sql("TRUNCATE TABLE bench.m");
  const clientName = `bench-sync-${round}-${SYNC_VARIANTS.indexOf(variant)}`;
  tusk.init({ url: server.url, user: server.user, password: server.password, clientName });
  const metric = tusk.metric({ table: "bench.m", clientName });
  if (variant === "after await metric.ready()") await metric.ready();
  let sink = 0;
  collectGarbage();
  let start = performance.now();
  for (const row of rows) sink += JSON.stringify(row).length;
  const stringifyMs = performance.now() - start;
  collectGarbage();
  start = performance.now();
  for (const row of rows) metric.write(row);
  const loopMs = performance.now() - start;
  start = performance.now();
  let flushError: string | undefined;
  try {
    await tusk.flush();
  } catch (error) {
    flushError = error instanceof Error ? error.message : String(error);
  }
  const flushMs = performance.now() - start;
  const stored = Number(await server.sql("SELECT count() FROM bench.m"));
  const client = tusk.getClient(clientName)!;
  const stats = client.stats().find((s) => s.table === "bench.m");
  await client.close();
  if (sink < 0) console.log(sink);
  const dropped = stats?.dropped ?? {};
  const accounted = stored + Object.values(dropped).reduce((a, b) => a + b, 0);
  console.log(
    `sync loop, ${variant}, round ${round + 1}: ${stored} stored + ${
      JSON.stringify(dropped)
    } dropped = ${accounted} of ${rows.length} ${
      accounted === rows.length ? "(exact)" : "(NOT EXACT)"
    }; loop ${loopMs.toFixed(0)} ms, JSON.stringify ${stringifyMs.toFixed(0)} ms, flush ${
      flushMs.toFixed(0)
    } ms${flushError ? `, flush rejected: ${flushError}` : ""}`,
  );
  return {
    variant,
    round,
    n: rows.length,
    loopMs,
    stringifyMs,
    flushMs,
    stored,
    received: stats?.received ?? 0,
    written: stats?.written ?? 0,
    pending: stats?.pending ?? 0,
    dropped,
    ...(flushError === undefined ? {} : { flushError }),
  };
}
