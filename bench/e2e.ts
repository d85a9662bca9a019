// End-to-end, memory and scaling figures into a real ClickHouse 18.16 server, the in-process
// hot-path figures from `deno bench --json`, and the cost of failover on a cluster of its own
// (bench/_failover.ts: ZooKeeper and two replicas, skipped when absent); writes BENCHMARKS.md.
// Every figure is a ratio against a baseline measured in the same run (these machines are noisy).
//
//   npm run bench                         # starts its own clickhouse-server, stops it after
//   TUSK_BENCH_CH18_URL=http://127.0.0.1:8123 npm run bench   # use a running 18.16 (tester)
//   TUSK_BENCH_QUICK=1 npm run bench      # 1 round instead of 5, for a smoke run

import { createClient } from "@clickhouse/client-web";
import * as tusk from "../mod.ts";
import { startClickHouse18 } from "../tools/engines/clickhouse18.mjs";
import { fakeServer } from "./_fake_server.ts";
import { COLUMNS, createTable, rowAt } from "./_rows.ts";
import {
  type BenchServer,
  collectGarbage,
  FLUSH_PHASE,
  heapBytes,
  median,
  runHotPathBench,
  type Sample,
  STRINGIFY_PHASE,
  type SyncLoopSample,
  timed,
  WRITE_ALL,
  WRITE_ALL_PHASE,
  YIELDING,
} from "./_e2e_helpers.ts";
import { failover, type FailoverFigures, failoverMissing } from "./_failover.ts";
import { interleavedHotPath } from "./_interleaved.ts";
import { renderReport } from "./_report.ts";
import { scaling } from "./_scaling.ts";
import { SYNC_VARIANTS, syncLoopRound } from "./_sync_loop.ts";

const USER = "tester";
const PASSWORD = "P@assw0rd";
const ROUNDS = Deno.env.get("TUSK_BENCH_QUICK") ? 1 : 5;
const SIZES = [100_000, 1_000_000];

const given = Deno.env.get("TUSK_BENCH_CH18_URL");
const engine = given ? undefined : await startClickHouse18();
const url = given ?? engine!.url;
const auth = "Basic " + btoa(`${USER}:${PASSWORD}`);

async function sql(query: string): Promise<string> {
  const response = await fetch(`${url}/?query=${encodeURIComponent(query)}`, {
    method: "POST",
    headers: { authorization: auth },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${query.slice(0, 80)}: ${text}`);
  return text;
}
const server: BenchServer = { url, user: USER, password: PASSWORD, sql };

const began = performance.now();
// What ran, and when it ended: the whole run should stay within about 5 minutes.
const progress = (done: string) =>
  console.log(`bench: ${done} done at ${((performance.now() - began) / 1000).toFixed(0)} s`);
const samples: Sample[] = [];
const syncLoops: SyncLoopSample[] = [];
const tmp = await Deno.makeTempDir({ prefix: "tusk-bench-" });
try {
  const version = (await sql("SELECT version()")).trim();
  await sql("CREATE DATABASE IF NOT EXISTS bench");
  await sql("DROP TABLE IF EXISTS bench.m");
  await sql(createTable("bench.m"));
  const web = createClient({ url, username: USER, password: PASSWORD });
  const insertQuery = "INSERT INTO bench.m FORMAT JSONEachRow";

  // Memory, first (a clean heap): JS heap + external growth over 100,000 buffered rows, vs
  // their JSONEachRow size.
  {
    const n = 100_000;
    const fake = fakeServer({ "bench.mem": COLUMNS });
    tusk.init({
      url: "http://bench.invalid:8123",
      clientName: "bench-mem",
      fetch: fake.fetch,
      batching: { maxRows: 2 * n, maxBufferedRows: 2 * n, maxBytes: 2 ** 30, period: 3600 },
    });
    const m = tusk.metric({ table: "bench.mem", clientName: "bench-mem" });
    await m.ready();
    const rows = Array.from({ length: n }, (_, i) => rowAt(i, "ms"));
    const json = rows.reduce((sum, _, i) => sum + JSON.stringify(rowAt(i, "s")).length + 1, 0);
    const before = heapBytes();
    for (const row of rows) m.write(row);
    const after = heapBytes();
    const held: string[] = rows.map((r) => JSON.stringify(r) + "\n");
    const withStrings = heapBytes();
    samples.push({ kind: "memory", n, name: "Tusk, buffered", ms: 0, bytes: after - before, json });
    samples.push({
      kind: "memory",
      n,
      name: "an array of JSON.stringify lines",
      ms: 0,
      bytes: withStrings - after,
      json,
    });
    if (held.length < 0) console.log(held);
    await tusk.getClient("bench-mem")?.close();
  }

  progress("memory");
  for (const n of SIZES) {
    const plain = Array.from({ length: n }, (_, i) => rowAt(i, "s"));
    const forTusk = Array.from({ length: n }, (_, i) => rowAt(i, "ms"));
    const text = plain.map((r) => JSON.stringify(r) + "\n").join("");
    const file = `${tmp}/rows_${n}.json`;
    await Deno.writeTextFile(file, text);
    const gz = await new Response(
      new Blob([text]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer();
    await Deno.writeFile(`${file}.gz`, new Uint8Array(gz));
    const bytes = new TextEncoder().encode(text).length;
    const curl = (gzip: boolean) => async () => {
      const args = ["-sS", "--fail", "-u", `${USER}:${PASSWORD}`, "--data-binary"];
      args.push(gzip ? `@${file}.gz` : `@${file}`);
      if (gzip) args.push("-H", "Content-Encoding: gzip");
      args.push(`${url}/?query=${encodeURIComponent(insertQuery)}`);
      const out = await new Deno.Command("curl", { args, stdout: "null" }).output();
      if (!out.success) throw new Error(`curl: ${new TextDecoder().decode(out.stderr)}`);
    };
    // Every Tusk run: a fresh client with default options (only the server and the user, or
    // `compression` where its label says so), the schema not read beforehand, closed after.
    let made = 0;
    let failure: string | undefined;
    const phases = { writeMs: 0, flushMs: 0 };
    const tuskRun = (
      options: Partial<tusk.InitOptions>,
      body: (m: tusk.Metric) => Promise<void>,
    ) =>
    async () => {
      const clientName = `bench-e2e-${n}-${made++}`;
      tusk.init({ url, user: USER, password: PASSWORD, clientName, ...options });
      const m = tusk.metric({ table: "bench.m", clientName });
      try {
        await body(m);
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
    };
    const closeAll = async () => {
      for (let c = 0; c < made; c++) await tusk.getClient(`bench-e2e-${n}-${c}`)?.close();
    };
    const writeAll = (options: Partial<tusk.InitOptions>) =>
      tuskRun(options, async (m) => {
        const start = performance.now();
        await m.writeAll(forTusk);
        const written = performance.now();
        await tusk.flush();
        phases.writeMs = written - start;
        phases.flushMs = performance.now() - written;
      });
    // An application that yields to its event loop every 10,000 rows.
    const writeYielding = tuskRun({}, async (m) => {
      for (let i = 0; i < n; i++) {
        m.write(forTusk[i]!);
        if (i % 10_000 === 9_999) await new Promise((r) => setTimeout(r, 0));
      }
      await tusk.flush();
    });
    const cases: Record<string, () => Promise<unknown>> = {
      "curl": curl(false),
      "curl, gzip": curl(true),
      "client-web insert()": () =>
        web.insert({ table: "bench.m", values: plain, format: "JSONEachRow" }),
      [WRITE_ALL]: writeAll({}),
      [`${WRITE_ALL}; compression: "gzip"`]: writeAll({ compression: "gzip" }),
      [YIELDING]: writeYielding,
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, run] of Object.entries(cases)) {
        await sql("TRUNCATE TABLE bench.m");
        failure = undefined;
        collectGarbage();
        const ms = await timed(run);
        await closeAll();
        const stored = Number(await sql("SELECT count() FROM bench.m"));
        if (!name.startsWith("Tusk") && stored !== n) {
          throw new Error(`${name}: ${stored} rows stored, expected ${n}`);
        }
        if (stored !== n || failure !== undefined) {
          console.log(`${name}, ${n} rows, round ${round + 1}: ${stored} stored ${failure ?? ""}`);
        }
        samples.push({
          kind: "e2e",
          n,
          name,
          ms,
          bytes,
          round,
          stored,
          ...(failure === undefined ? {} : { error: failure }),
        });
        if (name === WRITE_ALL) {
          for (
            const [phase, ms] of [[WRITE_ALL_PHASE, phases.writeMs], [
              FLUSH_PHASE,
              phases.flushMs,
            ]] as const
          ) {
            samples.push({ kind: "phase", n, name: phase, ms, bytes, round });
          }
        }
      }
      // What insert() does before it sends: JSON.stringify of every row, joined (its encoder's work).
      collectGarbage();
      const stringifyMs = await timed(() => plain.map((r) => JSON.stringify(r) + "\n").join(""));
      samples.push({ kind: "phase", n, name: STRINGIFY_PHASE, ms: stringifyMs, bytes, round });
      if (n >= 1_000_000) {
        for (const variant of SYNC_VARIANTS) {
          syncLoops.push(await syncLoopRound(server, forTusk, variant, round));
        }
      }
      progress(`${n.toLocaleString("en-US")} rows, round ${round + 1}`);
    }
  }

  progress("end to end");
  samples.push(...await scaling(server, ROUNDS));
  progress("scaling");

  const pairs = await interleavedHotPath();
  progress("interleaved hot path");
  const hot = await runHotPathBench([
    "bench/hot_path_bench.ts",
    "bench/logging_bench.ts",
    "bench/encode_value_bench.ts",
  ]);
  progress("deno bench");
  // Failover last: its own cluster (ZooKeeper and two servers), stopped before the report.
  let failoverFigures: FailoverFigures | { skipped: string };
  const missing = failoverMissing();
  if (missing) {
    console.log(`bench: failover figure skipped: ${missing}`);
    failoverFigures = { skipped: missing };
  } else {
    try {
      failoverFigures = await failover(
        ROUNDS === 1 ? 1 : 2,
        (line) => console.log(`bench: ${line}`),
      );
    } catch (error) {
      const why = `it failed: ${error instanceof Error ? error.message : String(error)}`;
      console.error(`bench: failover figure ${why}`);
      failoverFigures = { skipped: why };
    }
  }
  progress("failover");
  const report = renderReport({
    samples: summarize(samples),
    raw: samples,
    syncLoops,
    pairs,
    hot,
    server: `ClickHouse ${version} (Debian clickhouse-server), ${given ? "given" : "own instance"}`,
    rounds: ROUNDS,
    failover: failoverFigures,
  });
  const output = new URL("../BENCHMARKS.md", import.meta.url);
  await Deno.writeTextFile(output, report);
  // Formatted as `deno fmt --check` (part of the test command) expects it.
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", output.pathname] }).output();
  console.log(report);
} finally {
  await tusk.close().catch(() => {});
  await engine?.stop();
  await Deno.remove(tmp, { recursive: true });
}

function summarize(all: Sample[]): Sample[] {
  const groups = new Map<string, Sample[]>();
  for (const s of all) {
    const key = `${s.kind}|${s.n}|${s.name}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.values()].map((g) => ({
    ...g[0]!,
    ms: median(g.map((s) => s.ms)),
    ...(g[0]!.floor === undefined ? {} : { floor: median(g.map((s) => s.floor!)) }),
  }));
}
