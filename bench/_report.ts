// Renders BENCHMARKS.md from the figures of one run: every figure beside its ratio to a baseline
// measured in that same run.

import { type HotResult, median, type Sample } from "./_e2e_helpers.ts";
import type { Pair } from "./_interleaved.ts";

/** What one run measured. */
export interface RunFigures {
  /** Medians per kind, size and name. */
  samples: Sample[];
  /** Every sample, with its round. */
  raw: Sample[];
  /** Interleaved hot-path comparisons. */
  pairs: Pair[];
  hot: HotResult[];
  server: string;
  rounds: number;
}

const fmt = (x: number, digits = 0) =>
  x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratio = (x: number) => `${fmt(x, 2)}x`;

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

function machine(): string {
  let cpu = "unknown CPU";
  try {
    cpu = Deno.readTextFileSync("/proc/cpuinfo").match(/model name\s*:\s*(.*)/)?.[1] ?? cpu;
  } catch { /* not Linux */ }
  const load = Deno.loadavg().map((x) => fmt(x, 2)).join(", ");
  return `${navigator.hardwareConcurrency} x ${cpu}, ${
    fmt(Deno.systemMemoryInfo().total / 2 ** 30, 1)
  } GiB, ${Deno.build.os} ${Deno.osRelease()}; Deno ${Deno.version.deno} (V8 ${Deno.version.v8}); ` +
    `load average at the end: ${load}`;
}

// The median over rounds of f(a's time, b's time) for two writers of one size: each ratio
// compares figures of one round, so a slow stretch of the machine hits both sides alike.
function roundRatio(
  raw: Sample[],
  n: number,
  a: string,
  b: string,
  f: (a: number, b: number) => number,
): { median: number; low: number; high: number; all: number[] } {
  const of = (name: string) => raw.filter((s) => s.kind === "e2e" && s.n === n && s.name === name);
  const bs = of(b);
  const ratios = of(a).flatMap((x) => {
    const y = bs.find((s) => s.round === x.round);
    return y === undefined ? [] : [f(x.ms, y.ms)];
  });
  return {
    median: median(ratios),
    low: Math.min(...ratios),
    high: Math.max(...ratios),
    all: [...ratios].sort((a, b) => a - b),
  };
}

// The phases of one size: Tusk's writes and flush, insert()'s encoding and the rest of it.
function phaseRows(raw: Sample[], n: number): Array<[string, number]> {
  const of = (name: string) =>
    raw.filter((s) => s.kind === "phase" && s.n === n && s.name === name);
  const stringify = of("insert(): JSON.stringify of every row");
  if (stringify.length === 0) return [];
  const rest = raw
    .filter((s) => s.kind === "e2e" && s.n === n && s.name === "client-web insert()")
    .flatMap((x) => {
      const y = stringify.find((s) => s.round === x.round);
      return y === undefined ? [] : [x.ms - y.ms];
    });
  return [
    ["Tusk: every write()", median(of("Tusk: every write()").map((s) => s.ms))],
    ["Tusk: flush()", median(of("Tusk: flush()").map((s) => s.ms))],
    ["insert(): JSON.stringify of every row", median(stringify.map((s) => s.ms))],
    ["insert(): the rest (sending, the server)", median(rest)],
  ];
}

const range = (r: { low: number; high: number }) => `${fmt(r.low, 2)}-${fmt(r.high, 2)}`;
const each = (r: { all: number[] }) => r.all.map((x) => fmt(x, 2)).join(", ");

/** BENCHMARKS.md for one run. */
export function renderReport(run: RunFigures): string {
  const { samples } = run;
  const of = (kind: Sample["kind"]) => samples.filter((s) => s.kind === kind);
  const out: string[] = [];
  out.push(
    "# Benchmarks",
    "",
    "Written by `npm run bench` (`deno run -A --v8-flags=--expose-gc bench/e2e.ts`); do not edit by hand.",
    `Generated ${new Date().toISOString()}; medians of ${run.rounds} round(s).`,
    "",
    `- Machine: ${machine()}`,
    `- Server: ${run.server}, on the same machine (loopback HTTP)`,
    "- Rows: 4 columns (`time DateTime, host String, metric String, value Float64`), about 70 " +
      "bytes of JSONEachRow each; the same JSON text from every writer. Table: MergeTree, " +
      "truncated before every insert.",
    "- These machines are noisy (2 shared cores, other test suites may run): read the ratios, " +
      "which compare figures of the same run, rather than the absolute times.",
    "",
  );

  out.push("## End to end: rows into ClickHouse, acknowledged", "");
  out.push(
    "From the first `write()` (or the `insert()` call, or curl's start) until the server " +
      "acknowledged every row. curl posts a prepared file (the wire's and server's limit); " +
      "`client-web insert()` is `@clickhouse/client-web`'s own `insert()` of the same row objects " +
      '(`format: JSONEachRow`). "Tusk write() + flush()" writes every row, then flushes (one ' +
      'batch); "yielding" lets the event loop run every 10,000 rows, so batches go out while ' +
      "writing continues. gzip: the request body gzipped (curl: a prepared .gz file; Tusk: " +
      '`compression: "gzip"`, which uses `CompressionStream`). Times and rows/s are medians over the ' +
      "rounds; each ratio is the median of that ratio within each round (both figures from the " +
      "same stretch of the run).",
    "",
  );
  const targets: string[] = [];
  for (const n of [...new Set(of("e2e").map((s) => s.n))]) {
    const rows = of("e2e").filter((s) => s.n === n);
    const raw = run.raw;
    const toCurl = (name: string) => roundRatio(raw, n, name, "curl", (a, b) => a / b);
    const toWeb = (name: string) =>
      roundRatio(raw, n, name, "client-web insert()", (a, b) => b / a);
    out.push(`### ${fmt(n)} rows (${fmt(rows[0]!.bytes / 1e6, 1)} MB of JSONEachRow)`, "");
    out.push(table(
      ["writer", "time (ms)", "rows/s", "time / curl's", "rows/s / client-web insert()'s"],
      rows.map((s) => [
        s.name,
        fmt(s.ms),
        fmt(n / (s.ms / 1000)),
        ratio(toCurl(s.name).median),
        ratio(toWeb(s.name).median),
      ]),
    ));
    out.push("");
    const phases = phaseRows(raw, n);
    if (phases.length > 0) {
      out.push(
        "Where the time goes (medians over the rounds): Tusk's `write() + flush()` run split at " +
          "the flush, and `insert()`'s encoding (`JSON.stringify` of every row, joined, as its " +
          "encoder does) timed on its own; the rest of `insert()` is its time minus that, per round.",
        "",
        table(["phase", "time (ms)"], phases.map(([name, ms]) => [name, fmt(ms)])),
        "",
      );
    }
    const tusks = rows.filter((s) => s.name.startsWith("Tusk") && !s.name.includes("gzip"));
    const best = tusks.reduce((a, b) => (b.ms < a.ms ? b : a)).name;
    const curlRatio = toCurl(best);
    const webRatio = toWeb(best);
    const mode = `Tusk (${best.replace(/^Tusk /, "")})`;
    if (n >= 1_000_000) {
      targets.push(
        `- ${fmt(n)} rows, ${mode} within 1.2x of curl's time: ${ratio(curlRatio.median)} ` +
          `(rounds, sorted: ${each(curlRatio)}) -> ${curlRatio.median <= 1.2 ? "met" : "NOT met"}`,
        `- ${fmt(n)} rows, ${mode} at least 1.5x client-web insert()'s rows/s: ${
          ratio(webRatio.median)
        } (rounds, sorted: ${each(webRatio)}) -> ${webRatio.median >= 1.5 ? "met" : "NOT met"}`,
      );
    } else {
      targets.push(
        `- ${fmt(n)} rows, ${mode} no slower than client-web insert(): ${
          ratio(webRatio.median)
        } of its rows/s (rounds, sorted: ${each(webRatio)}) -> ${
          webRatio.median >= 1 ? "met" : "NOT met"
        }`,
      );
    }
  }

  out.push("## Memory: bytes held per buffered row", "");
  out.push(
    "Heap growth (JS heap + external, after a full GC) over 100,000 rows written and not yet " +
      "sent, against the rows' JSONEachRow size. For scale: the same rows held as an array of " +
      '`JSON.stringify(row) + "\\n"` strings.',
    "",
  );
  out.push(table(
    ["held as", "bytes per row", "JSONEachRow bytes per row", "held / JSON"],
    of("memory").map((s) => [
      s.name,
      fmt(s.bytes / s.n, 1),
      fmt(s.json! / s.n, 1),
      ratio(s.bytes / s.json!),
    ]),
  ));
  const mem = of("memory").find((s) => s.name.startsWith("Tusk"));
  if (mem) {
    targets.push(
      `- Memory at most 2x the JSONEachRow size: ${ratio(mem.bytes / mem.json!)} -> ${
        mem.bytes <= 2 * mem.json! ? "met" : "NOT met"
      }`,
    );
  }
  out.push("");

  out.push("## Hot path (in process)", "");
  out.push(
    "The targets' comparisons, interleaved: a batch of baseline calls, then a batch of the " +
      "candidate's, repeated; ns per call are medians over the pairs, the ratio is the median of " +
      "the per-pair ratios (the range shows the spread). `Metric.write()` batches of 100,000 " +
      "calls, log calls 100,000 (20,000 with capture); Tusk's rows go to a `fetch` that discards " +
      "them, and the buffer is flushed between pairs, outside the timed batches (pino's no-op " +
      "destination keeps nothing either).",
    "",
    table(
      ["candidate", "baseline", "ns per call", "baseline ns per call", "ratio", "range"],
      run.pairs.map((p) => [
        p.name,
        p.baseline,
        fmt(p.candidateNs),
        fmt(p.baselineNs),
        ratio(p.ratio),
        range(p),
      ]),
    ),
    "",
  );
  const pair = (name: string) => run.pairs.find((p) => p.name === name);
  const write = pair("Metric.write(row)");
  if (write) {
    targets.push(
      `- write() under 1 microsecond for a 4-column row: ${fmt(write.candidateNs)} ns -> ${
        write.candidateNs < 1000 ? "met" : "NOT met"
      }`,
    );
  }
  for (
    const [name, limit, what] of [
      [
        "logger.info(), no file/line capture",
        1,
        "Log call without file/line capture no slower than pino's",
      ],
      ["logger.info(), file/line capture", 3, "Log call with file/line capture at most 3x pino's"],
    ] as const
  ) {
    const p = pair(name);
    if (!p) continue;
    targets.push(
      `- ${what}: ${fmt(p.candidateNs)} ns vs pino's ${fmt(p.baselineNs)} ns, ${ratio(p.ratio)} ` +
        `(pairs: ${range(p)}) -> ${p.ratio <= limit ? "met" : "NOT met"}`,
    );
  }
  out.push(
    "For reference, `deno bench` averages, each against its group's baseline: `JSON.stringify` of the same row " +
      "(the floor: any writer turns the row into JSON text), or pino for log calls. No server: an injected `fetch` answers the schema query. " +
      "`Metric.write(row)` is the whole call: checking and encoding every value for its column, " +
      "buffering, batch limits.",
    "",
  );
  const groups = [...new Set(run.hot.map((h) => `${h.file}|${h.group}`))];
  out.push(table(
    ["file", "group", "benchmark", "ns per call", "/ baseline"],
    groups.flatMap((g) => {
      const items = run.hot.filter((h) => `${h.file}|${h.group}` === g);
      const base = items.find((h) => h.baseline) ?? items[0]!;
      return items.map((h) => [
        h.file,
        h.group,
        h.name,
        fmt(h.avgNs, 0),
        ratio(h.avgNs / base.avgNs),
      ]);
    }),
  ));
  if (run.hot.some((h) => h.file.endsWith("logging_bench.ts"))) {
    out.push(
      "",
      "Log calls (`bench/logging_bench.ts`): the whole call into the buffer (level check, caller " +
        "capture, row building, encoding for the log table's schema), against pino writing the " +
        "same message to a no-op destination (its JSON line building); here no flush runs " +
        "between iterations, so Tusk's rows pile up in the buffer. Pino through its own asynchronous `pino.destination()` to /dev/null is " +
        "shown for scale, as an application would run it. The intercepted console's original " +
        "methods print nothing. File/line capture fills the `logger` and `line` columns from " +
        "the caller's stack frame.",
    );
  }
  out.push("");

  out.push("## Scaling", "");
  const batch = of("batch");
  if (batch.length > 0) {
    const base = batch.find((s) => s.name === "100000")?.ms ?? batch[0]!.ms;
    out.push(
      "Rows per batch (`batching.maxRows`): 100,000 rows written (yielding every 10,000) and " +
        "flushed, against batches of 100,000.",
      "",
      table(
        ["rows per batch", "time (ms)", "/ 100,000 per batch"],
        batch.map((s) => [fmt(Number(s.name)), fmt(s.ms), ratio(s.ms / base)]),
      ),
      "",
    );
  }
  const cols = of("columns");
  if (cols.length > 0) {
    out.push(
      "Columns per row: `write()` of 100,000 rows of 4, 16 and 64 columns (Float64 beyond the " +
        "first 4), against `JSON.stringify` of the same rows.",
      "",
      table(
        ["columns", "ns per write()", "ns per JSON.stringify", "write / stringify"],
        cols.map((s) => [
          s.name,
          fmt(s.ms * 1e6 / s.n),
          fmt(s.floor! * 1e6 / s.n),
          ratio(s.ms / s.floor!),
        ]),
      ),
      "",
    );
  }
  const tables = of("tables");
  if (tables.length > 0) {
    const base = tables.find((s) => s.name === "1")!.ms;
    out.push(
      "Tables: 100,000 rows spread over 1, 10 and 100 tables of one client, written then flushed " +
        "(one insert per table), against one table.",
      "",
      table(
        ["tables", "time (ms)", "/ one table"],
        tables.map((s) => [s.name, fmt(s.ms), ratio(s.ms / base)]),
      ),
      "",
    );
  }

  out.push("## Targets (issue 9), from this run", "", ...targets, "");
  return out.join("\n");
}
