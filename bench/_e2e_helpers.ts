// Helpers of bench/e2e.ts: one measured figure, heap size, `deno bench --json`.

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
