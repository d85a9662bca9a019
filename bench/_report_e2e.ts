// The end-to-end section of BENCHMARKS.md: rows into ClickHouse, acknowledged, per writer and
// size, with the rows read back and every ratio taken within a round.

import {
  FLUSH_PHASE,
  median,
  type Sample,
  STRINGIFY_PHASE,
  WRITE_ALL,
  WRITE_ALL_PHASE,
  YIELDING,
} from "./_e2e_helpers.ts";
import { each, fmt, ratio, table } from "./_markdown.ts";

const WEB = "client-web insert()";

/** Per-round ratios of one writer against a baseline, and their median and spread. */
interface RoundRatios {
  median: number;
  low: number;
  high: number;
  /** Sorted. */
  all: number[];
  /** By round. */
  byRound: Map<number, number>;
}

// f(a's time, b's time) within each round, so a slow stretch of the machine hits both sides alike.
function roundRatio(
  raw: Sample[],
  n: number,
  a: string,
  b: string,
  f: (a: number, b: number) => number,
): RoundRatios {
  const of = (name: string) => raw.filter((s) => s.kind === "e2e" && s.n === n && s.name === name);
  const bs = of(b);
  const byRound = new Map<number, number>();
  for (const x of of(a)) {
    const y = bs.find((s) => s.round === x.round);
    if (y !== undefined) byRound.set(x.round!, f(x.ms, y.ms));
  }
  const ratios = [...byRound.values()];
  return {
    median: median(ratios),
    low: Math.min(...ratios),
    high: Math.max(...ratios),
    all: [...ratios].sort((a, b) => a - b),
    byRound,
  };
}

// The phases of one size: writeAll and the flush after it, insert()'s encoding and the rest.
function phaseRows(raw: Sample[], n: number): Array<[string, number]> {
  const of = (name: string) =>
    raw.filter((s) => s.kind === "phase" && s.n === n && s.name === name);
  const stringify = of(STRINGIFY_PHASE);
  if (stringify.length === 0) return [];
  const rest = raw
    .filter((s) => s.kind === "e2e" && s.n === n && s.name === WEB)
    .flatMap((x) => {
      const y = stringify.find((s) => s.round === x.round);
      return y === undefined ? [] : [x.ms - y.ms];
    });
  return [
    [WRITE_ALL_PHASE, median(of(WRITE_ALL_PHASE).map((s) => s.ms))],
    [FLUSH_PHASE, median(of(FLUSH_PHASE).map((s) => s.ms))],
    [STRINGIFY_PHASE, median(stringify.map((s) => s.ms))],
    ["insert(): the rest (sending, the server)", median(rest)],
  ];
}

const INTRO =
  "From the first row given (or the `insert()` call, or curl's start) until the server " +
  "acknowledged every row. curl posts a prepared file (the wire's and server's limit); " +
  "`client-web insert()` is `@clickhouse/client-web`'s own `insert()` of the same row objects " +
  "(`format: JSONEachRow`). Every Tusk run uses a fresh client with **default options** (only " +
  "`url`, `user` and `password` given; `compression` only where the writer's label says so), " +
  "and does not read the schema beforehand. `Tusk writeAll() + flush()` is " +
  "`await metric.writeAll(rows); await tusk.flush()`; the yielding loop is `metric.write(row)` " +
  "for every row with `await new Promise((r) => setTimeout(r, 0))` after every 10,000, then " +
  "`await tusk.flush()`. gzip: the request body gzipped (curl: a prepared .gz file; Tusk: " +
  '`compression: "gzip"`, which uses `CompressionStream`). Rows stored: `SELECT count()` ' +
  "after each run (the table is truncated before it); the table shows the fewest over the " +
  "rounds. Times and rows/s are medians over the rounds; each ratio is the median of that " +
  "ratio within each round (both figures from the same stretch of the run).";

/**
 * The end-to-end section, and the target lines it settles.
 *
 * @param raw Every sample, with its round.
 * @param medians The medians per kind, size and name.
 * @returns The section's lines and the target lines.
 */
export function e2eSection(
  raw: Sample[],
  medians: Sample[],
): { lines: string[]; targets: string[] } {
  const out = ["## End to end: rows into ClickHouse, acknowledged", "", INTRO, ""];
  const targets: string[] = [];
  const e2e = medians.filter((s) => s.kind === "e2e");
  for (const n of [...new Set(e2e.map((s) => s.n))]) {
    const rows = e2e.filter((s) => s.n === n);
    const runs = (name: string) =>
      raw.filter((s) => s.kind === "e2e" && s.n === n && s.name === name)
        .sort((a, b) => a.round! - b.round!);
    const toCurl = (name: string) => roundRatio(raw, n, name, "curl", (a, b) => a / b);
    const toWeb = (name: string) => roundRatio(raw, n, name, WEB, (a, b) => b / a);
    const fewest = (name: string) => Math.min(...runs(name).map((s) => s.stored ?? n));
    out.push(`### ${fmt(n)} rows (${fmt(rows[0]!.bytes / 1e6, 1)} MB of JSONEachRow)`, "");
    out.push(table(
      [
        "writer",
        "rows stored (fewest)",
        "time (ms)",
        "rows/s",
        "time / curl's",
        "rows/s / insert()'s",
      ],
      rows.map((s) => [
        s.name,
        fmt(fewest(s.name)),
        fmt(s.ms),
        fmt(n / (s.ms / 1000)),
        ratio(toCurl(s.name).median),
        ratio(toWeb(s.name).median),
      ]),
    ));
    out.push("");
    const tusks = rows.map((s) => s.name).filter((name) => name.startsWith("Tusk"));
    if (n >= 1_000_000) {
      out.push(
        "Each round of the Tusk writers (ratios against curl and `insert()` of the same round):",
        "",
        table(
          ["round", "writer", "rows stored", "time (ms)", "time / curl's", "rows/s / insert()'s"],
          tusks.flatMap((name) =>
            runs(name).map((s) => [
              String(s.round! + 1),
              name + (s.error ? ` (flush rejected: ${s.error.slice(0, 80)})` : ""),
              fmt(s.stored ?? 0),
              fmt(s.ms),
              ratio(toCurl(name).byRound.get(s.round!) ?? NaN),
              ratio(toWeb(name).byRound.get(s.round!) ?? NaN),
            ])
          ),
        ),
        "",
      );
    }
    const phases = phaseRows(raw, n);
    if (phases.length > 0) {
      out.push(
        "Where the time goes (medians over the rounds): Tusk's `writeAll() + flush()` split where " +
          "`writeAll()` resolved, and `insert()`'s encoding (`JSON.stringify` of every row, " +
          "joined, as its encoder does) timed on its own; the rest of `insert()` is its time " +
          "minus that, per round.",
        "",
        table(["phase", "time (ms)"], phases.map(([name, ms]) => [name, fmt(ms)])),
        "",
      );
    }
    for (const name of [WRITE_ALL, YIELDING]) {
      if (!tusks.includes(name)) continue;
      const curl = toCurl(name);
      const web = toWeb(name);
      const stored = runs(name).map((s) => s.stored ?? 0);
      const rejected = runs(name).filter((s) => s.error !== undefined).length;
      const label = `${fmt(n)} rows, ${name.replace(/^Tusk /, "")}, default options`;
      if (n < 1_000_000) {
        targets.push(
          `- ${label}, no slower than insert(): ${ratio(web.median)} of its rows/s (rounds, ` +
            `sorted: ${each(web)}) -> ${web.median >= 1 ? "met" : "NOT met"}`,
        );
        continue;
      }
      targets.push(
        `- ${label}, every row stored: ${stored.map((x) => fmt(x)).join(", ")} of ${fmt(n)} ` +
          `per round${rejected > 0 ? `; flush rejected in ${rejected} round(s)` : ""} -> ${
            stored.every((x) => x === n) && rejected === 0 ? "met" : "NOT met"
          }`,
        `- ${label}, within 1.2x of curl's time: ${ratio(curl.median)} (rounds, sorted: ` +
          `${each(curl)}) -> ${curl.median <= 1.2 ? "met" : "NOT met"}`,
        `- ${label}, at least 1.5x insert()'s rows/s: ${ratio(web.median)} (rounds, sorted: ` +
          `${each(web)}) -> ${web.median >= 1.5 ? "met" : "NOT met"}`,
      );
    }
  }
  return { lines: out, targets };
}
