// End-to-end, memory and scaling figures into a real ClickHouse 18.16 server, and the in-process
// hot-path figures from `deno bench --json`; writes BENCHMARKS.md. Every figure is a ratio
// against a baseline measured in the same run (these machines are noisy).
//
//   npm run bench                         # starts its own clickhouse-server, stops it after
//   TUSK_BENCH_CH18_URL=http://127.0.0.1:8123 npm run bench   # use a running 18.16 (tester)
//   TUSK_BENCH_QUICK=1 npm run bench      # 1 round instead of 3, for a smoke run

import { createClient } from "@clickhouse/client-web";
import * as tusk from "../mod.ts";
import { startClickHouse18 } from "../tools/engines/clickhouse18.mjs";
import { fakeServer } from "./_fake_server.ts";
import { COLUMNS, createTable, rowAt, wideColumns, wideRowAt } from "./_rows.ts";
import { heapBytes, median, runHotPathBench, type Sample } from "./_e2e_helpers.ts";
import { interleavedHotPath } from "./_interleaved.ts";
import { renderReport } from "./_report.ts";

const USER = "tester";
const PASSWORD = "P@assw0rd";
const ROUNDS = Deno.env.get("TUSK_BENCH_QUICK") ? 1 : 5;
const SIZES = [100_000, 1_000_000];

const given = Deno.env.get("TUSK_BENCH_CH18_URL");
const engine = given ? undefined : await startClickHouse18();
const url = given ?? engine!.url;
const auth = "Basic " + btoa(`${USER}:${PASSWORD}`);

// A client of the bench's server that sends `n` rows in batches of `perBatch`, and holds them all.
function scalingClient(name: string, n: number, perBatch = n): void {
  tusk.init({
    url,
    user: USER,
    password: PASSWORD,
    clientName: name,
    batching: { maxRows: perBatch, maxBytes: 2 ** 30, maxBufferedRows: n, period: 3600 },
    buffer: { maxRows: 2 * n, maxBytes: 2 ** 31 - 1 },
  });
}

async function sql(query: string, body?: BodyInit, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/?query=${encodeURIComponent(query)}`, {
    method: "POST",
    body,
    headers: { authorization: auth, ...headers },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${query.slice(0, 80)}: ${text}`);
  return text;
}

async function timed(run: () => unknown): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

const samples: Sample[] = [];
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
    const server = fakeServer({ "bench.mem": COLUMNS });
    tusk.init({
      url: "http://bench.invalid:8123",
      clientName: "bench-mem",
      fetch: server.fetch,
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
    const batching = { maxRows: n, maxBytes: 2 ** 30, maxBufferedRows: n, period: 3600 };
    const buffer = { maxRows: 2 * n, maxBytes: 2 ** 31 - 1 };
    const clients = {
      tusk: "", // filled below
      tuskGzip: "",
      tuskPipelined: "",
    };
    for (const name of Object.keys(clients) as Array<keyof typeof clients>) {
      clients[name] = `bench-${name}-${n}`;
      tusk.init({
        url,
        user: USER,
        password: PASSWORD,
        clientName: clients[name],
        batching: name === "tuskPipelined" ? { ...batching, maxRows: 100_000 } : batching,
        buffer,
        ...(name === "tuskGzip" ? { compression: "gzip" as const } : {}),
      });
    }
    const metrics = Object.fromEntries(
      Object.entries(clients).map((
        [k, c],
      ) => [k, tusk.metric({ table: "bench.m", clientName: c })]),
    );
    for (const m of Object.values(metrics)) await m.ready();
    // The phases of the last writeAll run: every write(), then the flush.
    const phases = { writeMs: 0, flushMs: 0 };
    const writeAll = (m: tusk.Metric) => async () => {
      const start = performance.now();
      for (let i = 0; i < n; i++) m.write(forTusk[i]!);
      const written = performance.now();
      await m.flush();
      phases.writeMs = written - start;
      phases.flushMs = performance.now() - written;
    };
    // An application that yields to its event loop now and then (here every 10,000 rows), so
    // batches are sent while it keeps writing.
    const writeYielding = (m: tusk.Metric) => async () => {
      for (let i = 0; i < n; i++) {
        m.write(forTusk[i]!);
        if (i % 10_000 === 9_999) await new Promise((r) => setTimeout(r, 0));
      }
      await m.flush();
    };
    const cases: Record<string, () => Promise<unknown>> = {
      "curl": curl(false),
      "curl, gzip": curl(true),
      "client-web insert()": () =>
        web.insert({ table: "bench.m", values: plain, format: "JSONEachRow" }),
      "Tusk write() + flush()": writeAll(metrics.tusk!),
      "Tusk write() + flush(), gzip": writeAll(metrics.tuskGzip!),
      "Tusk write(), yielding; batches of 100,000": writeYielding(metrics.tuskPipelined!),
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, run] of Object.entries(cases)) {
        await sql("TRUNCATE TABLE bench.m");
        const ms = await timed(run);
        const count = Number(await sql("SELECT count() FROM bench.m"));
        if (count !== n) throw new Error(`${name}: ${count} rows stored, expected ${n}`);
        samples.push({ kind: "e2e", n, name, ms, bytes, round });
        if (name === "Tusk write() + flush()") {
          samples.push({
            kind: "phase",
            n,
            name: "Tusk: every write()",
            ms: phases.writeMs,
            bytes,
            round,
          });
          samples.push({
            kind: "phase",
            n,
            name: "Tusk: flush()",
            ms: phases.flushMs,
            bytes,
            round,
          });
        }
      }
      // What insert() does before it sends: JSON.stringify of every row, joined (its encoder's work).
      const stringifyMs = await timed(() => plain.map((r) => JSON.stringify(r) + "\n").join(""));
      samples.push({
        kind: "phase",
        n,
        name: "insert(): JSON.stringify of every row",
        ms: stringifyMs,
        bytes,
        round,
      });
    }
    for (const c of Object.values(clients)) await tusk.getClient(c)?.close();
  }

  // Scaling: rows per batch, columns per row, tables; 100,000 rows into the server each time.
  {
    const n = 100_000;
    for (const perBatch of [1_000, 10_000, 100_000]) {
      const name = `bench-batch-${perBatch}`;
      scalingClient(name, n, perBatch);
      const m = tusk.metric({ table: "bench.m", clientName: name });
      await m.ready();
      for (let round = 0; round < ROUNDS; round++) {
        await sql("TRUNCATE TABLE bench.m");
        const ms = await timed(async () => {
          for (let i = 0; i < n; i++) {
            m.write(rowAt(i, "ms"));
            if (i % 10_000 === 9_999) await new Promise((r) => setTimeout(r, 0));
          }
          await m.flush();
        });
        samples.push({ kind: "batch", n, name: String(perBatch), ms, bytes: 0 });
      }
      await tusk.getClient(name)?.close();
    }
    for (const columns of [4, 16, 64]) {
      const table = `bench.wide${columns}`;
      await sql(`DROP TABLE IF EXISTS ${table}`);
      await sql(
        `CREATE TABLE ${table} (${
          wideColumns(columns).map(([c, t]) => `${c} ${t}`).join(", ")
        }) ENGINE = MergeTree ORDER BY (host, time)`,
      );
      const name = `bench-wide-${columns}`;
      scalingClient(name, n);
      const m = tusk.metric({ table, clientName: name });
      await m.ready();
      const rows = Array.from({ length: n }, (_, i) => wideRowAt(i, columns));
      for (let round = 0; round < ROUNDS; round++) {
        let sink = 0;
        const floor = await timed(() => {
          for (const r of rows) sink += JSON.stringify(r).length;
        });
        const write = await timed(() => {
          for (const r of rows) m.write(r);
        });
        await m.flush();
        samples.push({ kind: "columns", n, name: String(columns), ms: write, bytes: 0, floor });
        if (sink < 0) console.log(sink);
      }
      await tusk.getClient(name)?.close();
    }
    for (const tables of [1, 10, 100]) {
      for (let t = 0; t < tables; t++) {
        await sql(`DROP TABLE IF EXISTS bench.t${t}`);
        await sql(createTable(`bench.t${t}`));
      }
      const name = `bench-tables-${tables}`;
      scalingClient(name, n);
      const ms = Array.from(
        { length: tables },
        (_, t) => tusk.metric({ table: `bench.t${t}`, clientName: name }),
      );
      for (const m of ms) await m.ready();
      for (let round = 0; round < ROUNDS; round++) {
        const took = await timed(async () => {
          for (let i = 0; i < n; i++) ms[i % tables]!.write(rowAt(i, "ms"));
          await tusk.getClient(name)!.flush();
        });
        samples.push({ kind: "tables", n, name: String(tables), ms: took, bytes: 0 });
      }
      await tusk.getClient(name)?.close();
      for (let t = 0; t < tables; t++) await sql(`DROP TABLE bench.t${t}`);
    }
  }

  const pairs = await interleavedHotPath();
  const hot = await runHotPathBench([
    "bench/hot_path_bench.ts",
    "bench/logging_bench.ts",
    "bench/encode_value_bench.ts",
  ]);
  const report = renderReport({
    samples: summarize(samples),
    raw: samples,
    pairs,
    hot,
    server: `ClickHouse ${version} (Debian clickhouse-server), ${given ? "given" : "own instance"}`,
    rounds: ROUNDS,
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
