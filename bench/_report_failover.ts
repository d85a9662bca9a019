// The failover section of BENCHMARKS.md: rows/s with replica 1 killed mid-run against the same
// run with no fault, per writer, each ratio taken within a round.

import type { FailoverFigures, FailoverMode, FailoverSample } from "./_failover.ts";
import { median } from "./_e2e_helpers.ts";
import { fmt, ratio, table } from "./_markdown.ts";

const WRITERS: Record<FailoverMode, (f: FailoverFigures) => string> = {
  offered: (f) => `steady, ${fmt(f.offeredRowsPerS)} rows/s offered`,
  saturated: () => "saturated (writeAll() as fast as it takes rows)",
};

const rowsPerS = (s: FailoverSample) => s.stored / (s.ms / 1000);
const duplicates = (s: FailoverSample) => s.stored - s.distinct;
// Rows acknowledged or given but not found on either replica, or on one but not the other.
const lost = (s: FailoverSample) =>
  Math.max(0, s.written - s.dropped - s.stored, s.stored - s.storedOther, s.storedOther - s.stored);

function intro(f: FailoverFigures): string {
  const s = f.runMs / 1000;
  return `A cluster of 1 shard x 2 replicas, started by the bench on this machine (${f.server}, ` +
    "ZooKeeper 3.8, all on 127.0.0.1, sharing its cores with the writer), and a " +
    "`ReplicatedMergeTree` table (the 4 columns above plus `run UInt32, id UInt64`). Each run: " +
    "a fresh client with **default options** except `url: [replica 1, replica 2]` (and the " +
    `user and client name), the schema read before the clock starts, rows written for ${s} s, ` +
    "then `await client.flush()`. Two kinds of run, interleaved in each round: no fault, and " +
    `replica 1 killed (SIGKILL) ${fmt(s / 3, 1)} s in and started again ${fmt((2 * s) / 3, 1)} ` +
    "s in (same folder and ports). Writers: steady, `write()` at the offered rate (caught up " +
    "every 10 ms); saturated, `writeAll()` of rows made until the time is up (it waits while " +
    "the buffer is full, so it offers as much as the client and servers take). Rows/s: rows " +
    "stored (`count()` on replica 2, which is never killed, once both replicas hold every " +
    "acknowledged row and neither is read-only) over the time from the first row until the " +
    "flush resolved; the ratio is killed / no fault within each round, median over the rounds. " +
    "Duplicates: `count() - uniqExact(id)`. Next ack: from the kill (or the same moment of a " +
    "run without one) until `stats().written` next grew, sampled every 10 ms, so it is bounded " +
    "below by the time between two inserts, fault or not. Longest gap: the longest time without " +
    "an acknowledged insert during the run. Settle: after the flush, until both replicas held " +
    "every acknowledged row with an empty replication queue and neither was read-only (a " +
    "replica restarted while its old ZooKeeper session lives takes seconds to catch up); the " +
    "next run starts after it. Requests: inserts and queries per endpoint, replica 1 first " +
    "(the schema read included; `/ping` probes are not counted).";
}

/**
 * The failover section, and the target line it settles.
 *
 * @param f The figures, or why they were not measured.
 * @returns The section's lines and the target lines.
 */
export function failoverSection(
  f: FailoverFigures | { skipped: string },
): { lines: string[]; targets: string[] } {
  const out = ["## Failover: one replica killed in a steady stream", ""];
  if ("skipped" in f) {
    out.push(`Not measured in this run: ${f.skipped}.`, "");
    return { lines: out, targets: [] };
  }
  out.push(intro(f), "");
  const targets: string[] = [];
  const summary: string[][] = [];
  for (const mode of Object.keys(WRITERS) as FailoverMode[]) {
    const runs = f.samples.filter((s) => s.mode === mode);
    if (runs.length === 0) continue;
    const ratios = [...new Set(runs.map((s) => s.round))].flatMap((round) => {
      const a = runs.find((s) => s.round === round && !s.killed);
      const b = runs.find((s) => s.round === round && s.killed);
      return a && b ? [rowsPerS(b) / rowsPerS(a)] : [];
    }).sort((x, y) => x - y);
    const kind = (killed: boolean) => runs.filter((s) => s.killed === killed);
    summary.push([
      WRITERS[mode](f),
      fmt(median(kind(false).map(rowsPerS))),
      fmt(median(kind(true).map(rowsPerS))),
      `${ratio(median(ratios))} (${ratios.map((r) => fmt(r, 2)).join(", ")})`,
    ]);
    const dup = Math.max(...runs.map(duplicates));
    const missing = Math.max(...runs.map(lost));
    const rejected = runs.filter((s) => s.error !== undefined).length;
    targets.push(
      `- Failover in a steady stream (issue 15), ${WRITERS[mode](f)}, default options: rows/s ` +
        `with replica 1 killed / none killed ${ratio(median(ratios))} (rounds, sorted: ${
          ratios.map((r) => fmt(r, 2)).join(", ")
        }); every row stored once on both replicas: duplicates ${fmt(dup)}, missing ${
          fmt(missing)
        }, flush rejected in ${rejected} run(s) -> ${
          dup === 0 && missing === 0 && rejected === 0 ? "met" : "NOT met"
        }`,
    );
  }
  out.push(
    table(["writer", "rows/s, no fault", "rows/s, replica 1 killed", "killed / no fault"], summary),
    "",
    "Each run:",
    "",
    table(
      [
        "round",
        "writer",
        "run",
        "rows written",
        "stored (replica 2)",
        "duplicates",
        "replica 1 after settling",
        "dropped",
        "rows/s",
        "next ack (ms)",
        "longest gap (ms)",
        "failed requests",
        "rows retried",
        "requests",
        "settle (ms)",
        "replica 1's last failure",
      ],
      f.samples.map((s) => [
        String(s.round + 1),
        WRITERS[s.mode](f),
        s.killed ? "replica 1 killed" : "no fault",
        fmt(s.written),
        fmt(s.stored),
        fmt(duplicates(s)),
        fmt(s.storedOther),
        fmt(s.dropped),
        fmt(rowsPerS(s)),
        s.nextAckMs === undefined ? "none" : fmt(s.nextAckMs),
        fmt(s.longestGapMs),
        fmt(s.failedRequests),
        fmt(s.retried),
        s.requests.join(" / "),
        fmt(s.settleMs) + (s.error ? ` (flush rejected: ${s.error.slice(0, 80)})` : ""),
        (s.replica1Error ?? "").replaceAll("|", "/").slice(0, 100),
      ]),
    ),
    "",
    "Below the servers' capacity a killed replica costs the stream nothing: the insert that " +
      "meets the dead endpoint goes to the other one at once (compare the longest gaps " +
      "with and without the fault), and the dead one rests (1 s, then 2 s, 4 s... " +
      "each ended by a `/ping`) instead of being tried with every batch. At saturation the " +
      "limit is this machine (2 cores for the writer, both servers and ZooKeeper), not the " +
      "client: while replica 1 is down, replica 2 takes every insert (see the requests) and " +
      "no part is fetched by the other replica, so less work competes for the cores (the " +
      "catching up comes after the run, in the settle time); the ratio there comes out near " +
      "or above 1 and swings with the machine's load. Read it as \"failover did not slow the " +
      'stream", not as a speed-up.',
    "",
  );
  return { lines: out, targets };
}
