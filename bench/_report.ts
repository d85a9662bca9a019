// Renders BENCHMARKS.md from the figures of one run: every figure beside its ratio to a baseline
// measured in that same run.

import type { HotResult, Sample, SyncLoopSample } from "./_e2e_helpers.ts";
import type { FailoverFigures } from "./_failover.ts";
import type { Pair } from "./_interleaved.ts";
import { fmt, range, ratio, table } from "./_markdown.ts";
import { e2eSection } from "./_report_e2e.ts";
import { failoverSection } from "./_report_failover.ts";
import { syncLoopSection } from "./_report_sync.ts";

/** What one run measured. */
export interface RunFigures {
  /** Medians per kind, size and name. */
  samples: Sample[];
  /** Every sample, with its round. */
  raw: Sample[];
  /** Every round of the synchronous write() loop. */
  syncLoops: SyncLoopSample[];
  /** Interleaved hot-path comparisons. */
  pairs: Pair[];
  hot: HotResult[];
  server: string;
  rounds: number;
  /** The failover figure (bench/_failover.ts), or why it was not measured. */
  failover?: FailoverFigures | { skipped: string };
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

  const e2e = e2eSection(run.raw, samples);
  const sync = syncLoopSection(run.syncLoops);
  out.push(...e2e.lines, ...sync.lines);
  const targets = [...e2e.targets, ...sync.targets];

  out.push("## Memory: bytes held per buffered row", "");
  out.push(
    "Heap growth (JS heap + external, after a full GC) over 100,000 rows written and not yet " +
      "sent, against the rows' JSONEachRow size. For scale: the same rows held as an array of " +
      '`JSON.stringify(row) + "\\n"` strings. Options: `batching: { maxRows: 200,000, ' +
      "maxBufferedRows: 200,000, maxBytes: 2^30, period: 3600 }` so that every row stays " +
      "buffered (an injected `fetch` plays the server).",
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
      `- Memory at most 2x the JSONEachRow size (batching raised to hold 100,000 rows; see Memory): ${
        ratio(mem.bytes / mem.json!)
      } -> ${mem.bytes <= 2 * mem.json! ? "met" : "NOT met"}`,
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
      "destination keeps nothing either). Options: `batching: { maxRows: 1,000,000, " +
      "maxBufferedRows: 1,000,000, maxBytes: 2^30, period: 3600 }`, `buffer: { maxRows: " +
      "2,000,000, maxBytes: 2^30 }`, so no batch is sent during the timed calls (the cost with " +
      "default options is in the synchronous loop's section above).",
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
      `- write() under 1 microsecond for a 4-column row (batching raised so nothing is sent; see Hot path): ${
        fmt(write.candidateNs)
      } ns -> ${write.candidateNs < 1000 ? "met" : "NOT met"}`,
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
      "The client holds every row (`batching` and `buffer` raised to 2,000,000 rows, 2^30 " +
      'bytes; the "buffer full" line: `buffer: { maxRows: 10,000 }`), so nothing is sent while ' +
      "`deno bench` runs its iterations. " +
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
      "Rows per batch (`batching.maxRows`, the only option set; 10,000 is the default): 100,000 " +
        "rows written (yielding every 10,000) and flushed, against batches of 100,000. A batch " +
        "that backed up while an insert was under way may hold more (up to the default " +
        "`maxBytes`, 8 MiB).",
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
        "first 4), against `JSON.stringify` of the same rows. Options: `batching: { maxRows: " +
        "100,000, maxBufferedRows: 100,000, maxBytes: 2^30, period: 3600 }`, `buffer: { " +
        "maxRows: 200,000, maxBytes: 2^31-1 }`, so the timed writes encode and buffer and send " +
        "nothing.",
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
        "(one insert per table), against one table. Options as for the columns above (every " +
        "row held until the flush).",
      "",
      table(
        ["tables", "time (ms)", "/ one table"],
        tables.map((s) => [s.name, fmt(s.ms), ratio(s.ms / base)]),
      ),
      "",
    );
  }

  if (run.failover) {
    const failover = failoverSection(run.failover);
    out.push(...failover.lines);
    targets.push(...failover.targets);
  }

  const issues = run.failover && !("skipped" in run.failover)
    ? "issues 9, 13 and 15"
    : "issues 9 and 13";
  out.push(`## Targets (${issues}), from this run`, "", ...targets, "");
  return out.join("\n");
}
