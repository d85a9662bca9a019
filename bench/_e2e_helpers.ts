// Helpers of bench/e2e.ts: one measured figure, heap size, `deno bench --json`.

/** The end-to-end writers and phases, by the names the report looks them up by. */
export const WRITE_ALL = "Tusk writeAll() + flush()";
export const YIELDING = "Tusk write() loop yielding every 10,000 rows + flush()";
export const WRITE_ALL_PHASE = "Tusk: writeAll(), until it resolved";
export const FLUSH_PHASE = "Tusk: flush() after it";
export const STRINGIFY_PHASE = "insert(): JSON.stringify of every row";

/** One measured figure. */
export interface Sample {
  kind: "e2e" | "phase" | "memory" | "batch" | "columns" | "tables";
  /** Rows. */
  n: number;
  /** What was measured. */
  name: string;
  /** Milliseconds (median over rounds once summarized). */
  ms: number;
  /** Body bytes (e2e) or heap bytes (memory). */
  bytes: number;
  /** JSONEachRow bytes of the rows (memory). */
  json?: number;
  /** The JSON.stringify floor in milliseconds (columns). */
  floor?: number;
  /** Which round measured it (e2e), so ratios compare figures of one round. */
  round?: number;
  /** Rows read back from the table after the run (e2e). */
  stored?: number;
  /** Why the run failed, if it did (e2e: a rejected flush). */
  error?: string;
}

/** One round of the synchronous `write()` loop (bench/_sync_loop.ts). */
export interface SyncLoopSample {
  /** How the loop starts: with the schema unknown, or after `await metric.ready()`. */
  variant: string;
  round: number;
  /** Rows written. */
  n: number;
  /** The loop of `write()` calls alone. */
  loopMs: number;
  /** A loop of `JSON.stringify` over the same rows, in the same round. */
  stringifyMs: number;
  /** `await tusk.flush()` after the loop. */
  flushMs: number;
  /** Rows read back from the table. */
  stored: number;
  /** `stats()` of the table after the flush. */
  received: number;
  written: number;
  pending: number;
  dropped: Record<string, number>;
  /** The flush's rejection, if it rejected. */
  flushError?: string;
}

/** Where the bench's server is and how to reach it. */
export interface BenchServer {
  url: string;
  user: string;
  password: string;
  /** Runs a query on the server and returns its text. */
  sql: (query: string) => Promise<string>;
}

/** One `Deno.bench` result. */
export interface HotResult {
  file: string;
  group: string;
  name: string;
  baseline: boolean;
  avgNs: number;
}

/** The median. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A full garbage collection, when `--expose-gc` is given (before each timed run). */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Milliseconds `run` takes, until its promise settles. */
export async function timed(run: () => unknown): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** JS heap plus external (ArrayBuffer) bytes in use, after a full GC when exposed. */
export function heapBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
}

/** Runs `deno bench --json` on each file; a file that fails is left out with a note. */
export async function runHotPathBench(files: string[]): Promise<HotResult[]> {
  const out: HotResult[] = [];
  for (const file of files) {
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["bench", "-A", "--json", file],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!run.success) {
      console.error(`bench ${file} failed:\n${new TextDecoder().decode(run.stderr)}`);
      continue;
    }
    const report = JSON.parse(new TextDecoder().decode(run.stdout));
    for (const b of report.benches) {
      const ok = b.results?.[0]?.ok;
      if (!ok) continue;
      out.push({ file, group: b.group ?? "", name: b.name, baseline: b.baseline, avgNs: ok.avg });
    }
  }
  return out;
}
