// The synchronous loop's section of BENCHMARKS.md: rows stored and dropped, the accounting, and
// the loop's cost against JSON.stringify of the same rows.

import { median, type SyncLoopSample } from "./_e2e_helpers.ts";
import { each, fmt, ratio, table } from "./_markdown.ts";

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const reasons = (r: Record<string, number>) =>
  Object.keys(r).length === 0
    ? "none"
    : Object.entries(r).map(([k, v]) => `${k}: ${fmt(v)}`).join(", ");
const span = (xs: number[]) => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? fmt(lo) : `${fmt(lo)}-${fmt(hi)}`;
};

/**
 * The section, and the target lines it settles.
 *
 * @param loops Every round of every variant.
 * @returns The section's lines and the target lines.
 */
export function syncLoopSection(loops: SyncLoopSample[]): { lines: string[]; targets: string[] } {
  if (loops.length === 0) return { lines: [], targets: [] };
  const n = loops[0]!.n;
  const out = [
    "## The synchronous `write()` loop, default options",
    "",
    `${fmt(n)} \`metric.write(row)\` calls in one loop that never yields, then ` +
    "`await tusk.flush()`; each round a fresh client with default options. Two starts: the " +
    "schema not awaited (a new user's loop: the rows wait for the schema, whose answer cannot " +
    "be read while the loop holds the event loop), and after `await metric.ready()` (not " +
    "timed). Nothing is sent while the loop runs, so the default caps decide what is kept " +
    "(the client's buffer: 1,000,000 rows or 64 MiB of encoded rows, a row waiting for its " +
    "schema counted as 256 bytes; the oldest are dropped). Loop: the `write()` calls alone, " +
    "not the flush. JSON.stringify: `for (const row of rows) JSON.stringify(row)` over the same " +
    "row objects, timed just before the loop in the same round; the ratio is the median of the " +
    "per-round ratios. Rows stored: `SELECT count()` after the flush; dropped: " +
    "`stats().dropped`, by reason.",
    "",
  ];
  const targets: string[] = [];
  const variants = [...new Set(loops.map((l) => l.variant))];
  const exact = (l: SyncLoopSample) => l.stored + sum(l.dropped) === l.n;
  out.push(table(
    [
      "start",
      "loop (ms)",
      "JSON.stringify (ms)",
      "loop / JSON.stringify",
      "flush (ms)",
      "rows stored",
      "rows dropped",
      "stored + dropped = written",
    ],
    variants.map((v) => {
      const ls = loops.filter((l) => l.variant === v);
      const ratios = ls.map((l) => l.loopMs / l.stringifyMs);
      return [
        v,
        fmt(median(ls.map((l) => l.loopMs))),
        fmt(median(ls.map((l) => l.stringifyMs))),
        `${ratio(median(ratios))} (${each({ all: [...ratios].sort((a, b) => a - b) })})`,
        fmt(median(ls.map((l) => l.flushMs))),
        span(ls.map((l) => l.stored)),
        span(ls.map((l) => sum(l.dropped))),
        `${ls.filter(exact).length} of ${ls.length} rounds`,
      ];
    }),
  ));
  out.push("", "Each round:", "");
  out.push(table(
    [
      "round",
      "start",
      "loop (ms)",
      "loop / JSON.stringify",
      "flush (ms)",
      "received",
      "rows stored",
      "dropped, by reason",
      "stored + dropped",
    ],
    loops.map((l) => [
      String(l.round + 1),
      l.variant,
      fmt(l.loopMs),
      ratio(l.loopMs / l.stringifyMs),
      fmt(l.flushMs) + (l.flushError ? ` (rejected: ${l.flushError.slice(0, 80)})` : ""),
      fmt(l.received),
      fmt(l.stored),
      reasons(l.dropped),
      `${fmt(l.stored + sum(l.dropped))}${exact(l) ? "" : " (NOT exact)"}`,
    ]),
  ));
  out.push("");
  for (const variant of variants) {
    const ls = loops.filter((l) => l.variant === variant);
    const ratios = ls.map((l) => l.loopMs / l.stringifyMs).sort((a, b) => a - b);
    const rejected = ls.filter((l) => l.flushError !== undefined).length;
    const label = `${fmt(n)} rows, synchronous write() loop, ${variant}, default options`;
    targets.push(
      `- ${label}: stored + dropped = written in every round (stored ${
        ls.map((l) => fmt(l.stored)).join(", ")
      }; dropped ${ls.map((l) => fmt(sum(l.dropped))).join(", ")}) -> ${
        ls.every(exact) ? "met" : "NOT met"
      }; flush rejected in ${rejected} of ${ls.length} rounds`,
      `- ${label}: loop cost ${ratio(median(ratios))} of JSON.stringify over the same rows ` +
        `(rounds, sorted: ${each({ all: ratios })}); no numeric target ("a small factor")`,
    );
  }
  return { lines: out, targets };
}
