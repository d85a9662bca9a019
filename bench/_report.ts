// Renders BENCHMARKS.md from the figures of one run: every figure beside its ratio to a baseline
// measured in that same run.

import type { HotResult, Sample } from "./_e2e_helpers.ts";

/** What one run measured. */
export interface RunFigures {
  samples: Sample[];
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
      "`CompressionStream` in an injected `fetch`).",
    "",
  );
  const targets: string[] = [];
  for (const n of [...new Set(of("e2e").map((s) => s.n))]) {
    const rows = of("e2e").filter((s) => s.n === n);
    const curl = rows.find((s) => s.name === "curl")!.ms;
    const web = rows.find((s) => s.name === "client-web insert()")!.ms;
    out.push(`### ${fmt(n)} rows (${fmt(rows[0]!.bytes / 1e6, 1)} MB of JSONEachRow)`, "");
    out.push(table(
      ["writer", "time (ms)", "rows/s", "time / curl's", "rows/s / client-web insert()'s"],
      rows.map((s) => [
        s.name,
        fmt(s.ms),
        fmt(n / (s.ms / 1000)),
        ratio(s.ms / curl),
        ratio(web / s.ms),
      ]),
    ));
    out.push("");
    const best = Math.min(
      ...rows.filter((s) => s.name.startsWith("Tusk") && !s.name.includes("gzip")).map((s) => s.ms),
    );
    if (n >= 1_000_000) {
      targets.push(
        `- ${fmt(n)} rows, Tusk (best mode) within 1.2x of curl's time: ${ratio(best / curl)} ` +
          `-> ${best / curl <= 1.2 ? "met" : "NOT met"}`,
        `- ${fmt(n)} rows, Tusk at least 1.5x client-web insert()'s rows/s: ${
          ratio(web / best)
        } -> ${web / best >= 1.5 ? "met" : "NOT met"}`,
      );
    } else {
      targets.push(
        `- ${fmt(n)} rows, Tusk no slower than client-web insert(): ${ratio(web / best)} of its ` +
          `rows/s -> ${best <= web ? "met" : "NOT met"}`,
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
    "`deno bench` averages, each against its group's baseline: `JSON.stringify` of the same row " +
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
  const write = run.hot.find((h) => h.name === "Metric.write(row)");
  if (write) {
    targets.push(
      `- write() under 1 microsecond for a 4-column row: ${fmt(write.avgNs)} ns -> ${
        write.avgNs < 1000 ? "met" : "NOT met"
      }`,
    );
  }
  const logs = run.hot.filter((h) => h.file.endsWith("logging_bench.ts"));
  const pino = logs.find((h) => h.baseline);
  if (pino) {
    out.push(
      "",
      "Log calls (`bench/logging_bench.ts`): the whole call into the buffer (level check, caller " +
        "capture, row building, encoding for the log table's schema), against pino writing the " +
        "same message to a no-op destination (its JSON line building: the strict baseline the " +
        "targets use); pino through its own asynchronous `pino.destination()` to /dev/null is " +
        "shown for scale, as an application would run it. The intercepted console's original " +
        "methods print nothing. File/line capture fills the `logger` and `line` columns from " +
        "the caller's stack frame.",
    );
    const check = (name: string, limit: number, what: string) => {
      const call = logs.find((h) => h.name === name);
      if (!call) return;
      const r = call.avgNs / pino.avgNs;
      targets.push(
        `- ${what}: ${fmt(call.avgNs)} ns vs pino's ${fmt(pino.avgNs)} ns, ${ratio(r)} -> ${
          r <= limit ? "met" : "NOT met"
        }`,
      );
    };
    check(
      "logger.info(), no file/line capture",
      1,
      "Log call without file/line capture no slower than pino's",
    );
    check(
      "logger.info(), file/line capture",
      3,
      "Log call with file/line capture at most 3x pino's",
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
