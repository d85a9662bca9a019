// The cost of failover in a steady stream: rows into a ReplicatedMergeTree table through
// `url: [replica 1, replica 2]` of a 1 shard x 2 replicas cluster (ZooKeeper and two
// clickhouse-server 18.16 nodes, started here), for a fixed time, in two kinds of run interleaved:
// no fault, and replica 1 killed (SIGKILL) a third into the run and started again two thirds in.
// Two writers: a stream at a fixed offered rate below capacity, and one as fast as `writeAll()`
// takes rows (saturation). Every run reads its rows back from both replicas: stored, distinct ids.
//
//   deno run -A bench/_failover.ts          # the figures alone, 1 round (TUSK_BENCH_ROUNDS=n)

import * as tusk from "../mod.ts";
// @ts-types="../tests/_helpers/_cluster.d.ts"
import { findZooKeeper, startCluster } from "../tools/engines/cluster.mjs";
// @ts-types="../tests/integration/faults/_clickhouse18.d.ts"
import { findClickHouseServer } from "../tools/engines/clickhouse18.mjs";
import type { Cluster } from "../tests/_helpers/_cluster.d.ts";
import { rowAt } from "./_rows.ts";

/** How long each run writes, in milliseconds. */
export const FAILOVER_RUN_MS = 6000;
/** The offered rate of the steady writer, rows per second. */
export const OFFERED_ROWS_PER_S = 100_000;
/** The two writers. */
export const FAILOVER_MODES = ["offered", "saturated"] as const;
/** A writer: a steady offered rate, or as fast as `writeAll()` takes rows. */
export type FailoverMode = typeof FAILOVER_MODES[number];

const TABLE = "bench.failover";
// An uncounted saturated run first: after a shorter one, the first counted saturated run was
// markedly slower than the same run a round later.
const WARM_UP_MS = 4000;
// Longest a run may take past its writing time (the flush, a failover) before it counts as hung.
const HANG_MS = 60_000;
// Longest wait for both replicas to hold every row of a run and take writes again.
const SETTLE_MS = 40_000;

/** One run of the failover figure. */
export interface FailoverSample {
  mode: FailoverMode;
  /** Whether replica 1 was killed during the run. */
  killed: boolean;
  round: number;
  /** Rows given to Tusk. */
  written: number;
  /** Rows ClickHouse acknowledged (`stats().written`). */
  acknowledged: number;
  /** Rows dropped (`stats().dropped`, every reason). */
  dropped: number;
  /** Rows sent again after a failed attempt (`stats().retried`). */
  retried: number;
  /** Failed requests over both endpoints (`stats().endpoints`). */
  failedRequests: number;
  /** Requests per endpoint, replica 1 first (`stats().endpoints`; the schema read included). */
  requests: number[];
  /** Replica 1's last failure (`stats().endpoints[0].lastError`), if any. */
  replica1Error?: string;
  /** `count()` of the run's rows on replica 2 (never killed), once both replicas settled. */
  stored: number;
  /** `uniqExact(id)` of them. */
  distinct: number;
  /** `count()` on replica 1 once it caught up. */
  storedOther: number;
  /** From the first row until `flush()` resolved. */
  ms: number;
  /**
   * From the kill (or, without a kill, the same moment of the run) until
   * `stats().written` next grew: the next acknowledged insert.
   */
  nextAckMs?: number;
  /** The longest time without an acknowledged insert between the first and the last. */
  longestGapMs: number;
  /** After the flush, until both replicas held every row and neither was read-only. */
  settleMs: number;
  /** Why `flush()` rejected, if it did. */
  error?: string;
}

/** What the failover figure measured. */
export interface FailoverFigures {
  samples: FailoverSample[];
  runMs: number;
  offeredRowsPerS: number;
  /** Cluster start-up, ms. */
  startMs: number;
  server: string;
}

/** Why the figure cannot run here, or undefined when it can. */
export function failoverMissing(): string | undefined {
  if (findClickHouseServer() === null) return "clickhouse-server 18.16 is not installed";
  if (findZooKeeper() === null) {
    return "ZooKeeper is not installed (`apt-get install -y --no-install-recommends zookeeper`)";
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sqlOn(cluster: Cluster) {
  const auth = "Basic " + btoa(`${cluster.user}:${cluster.password}`);
  return async (url: string, query: string): Promise<string> => {
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization: auth },
      body: query,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${query.slice(0, 80)}: ${text}`);
    return text;
  };
}

/**
 * Starts a 1 x 2 cluster, runs `rounds` rounds (each: both writers, a run without a fault then
 * one with replica 1 killed) after an uncounted saturated warm-up run, and stops the cluster.
 *
 * @param rounds Rounds.
 * @param progress Called after each run with a one-line summary.
 * @returns The figures.
 */
export async function failover(
  rounds: number,
  progress: (line: string) => void = console.log,
): Promise<FailoverFigures> {
  const began = performance.now();
  const cluster = await startCluster({ shards: 1, replicas: 2, name: "bench" });
  const startMs = performance.now() - began;
  const sql = sqlOn(cluster);
  const samples: FailoverSample[] = [];
  try {
    const [r1] = cluster.nodes;
    const version = (await sql(r1!.url, "SELECT version()")).trim();
    await sql(r1!.url, "CREATE DATABASE IF NOT EXISTS bench ON CLUSTER bench");
    await sql(
      r1!.url,
      `CREATE TABLE ${TABLE} ON CLUSTER bench (run UInt32, id UInt64, time DateTime, ` +
        "host String, metric String, value Float64) ENGINE = ReplicatedMergeTree(" +
        "'/clickhouse/tables/{shard}/bench_failover', '{replica}') ORDER BY (run, id)",
    );
    const ids = { next: 0, run: 0 };
    await oneRun(cluster, "saturated", false, -1, ids, WARM_UP_MS); // not counted
    for (let round = 0; round < rounds; round++) {
      for (const mode of FAILOVER_MODES) {
        for (const killed of [false, true]) {
          const s = await oneRun(cluster, mode, killed, round, ids);
          samples.push(s);
          progress(
            `failover ${mode}, ${killed ? "replica 1 killed" : "no fault"}, round ${round + 1}: ` +
              `${s.stored} stored of ${s.written} written (${s.distinct} distinct, ${s.dropped} ` +
              `dropped), ${Math.round(s.stored / (s.ms / 1000))} rows/s, next ack ${
                s.nextAckMs?.toFixed(0)
              } ms, longest gap ${s.longestGapMs.toFixed(0)} ms, settled in ${
                s.settleMs.toFixed(0)
              } ms; ${s.failedRequests} failed requests, ${s.retried} rows retried, requests ${
                s.requests.join("/")
              }, replica 1 ` +
              `holds ${s.storedOther}${
                s.replica1Error ? `; replica 1 failed: ${s.replica1Error}` : ""
              }${s.error ? `; flush rejected: ${s.error}` : ""}`,
          );
        }
      }
    }
    return {
      samples,
      runMs: FAILOVER_RUN_MS,
      offeredRowsPerS: OFFERED_ROWS_PER_S,
      startMs,
      server: `ClickHouse ${version}`,
    };
  } finally {
    await cluster.stop();
  }
}

// One run on a fresh client with default options (only the endpoints, the user and the client's
// name), the schema read before the clock starts.
async function oneRun(
  cluster: Cluster,
  mode: FailoverMode,
  killed: boolean,
  round: number,
  ids: { next: number; run: number },
  runMs = FAILOVER_RUN_MS,
): Promise<FailoverSample> {
  const [r1, r2] = cluster.nodes;
  const run = ++ids.run;
  const clientName = `bench-failover-${run}`;
  const client = tusk.init({
    url: cluster.shards[0]!,
    user: cluster.user,
    password: cluster.password,
    clientName,
  });
  const m = tusk.metric({ table: TABLE, clientName });
  await m.ready();
  const stats = () => client.stats().find((s) => s.table === TABLE)!;
  const counted = { written: 0 };
  const rowOf = () => {
    const id = ids.next++;
    counted.written++;
    return { run, id, ...rowAt(id, "ms") };
  };

  const acks = watchAcks(() => stats().written);
  let restarted: Promise<void> | undefined;
  const killTimer = setTimeout(() => {
    acks.mark();
    if (killed) void r1!.kill();
  }, runMs / 3);
  const startTimer = setTimeout(() => {
    if (killed) restarted = r1!.start();
  }, (2 * runMs) / 3);
  const start = performance.now();
  let error: string | undefined;
  // A run that does not end is a finding, not a reason to hang the bench: it is reported with
  // the client's figures at that moment.
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => {
    watchdog = setTimeout(
      () =>
        reject(
          new Error(`the run did not end within ${HANG_MS / 1000} s: ${JSON.stringify(stats())}`),
        ),
      runMs + HANG_MS,
    );
  });
  try {
    await Promise.race([writeFor(mode, m, rowOf, runMs).then(() => client.flush()), hung]);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  } finally {
    clearTimeout(watchdog);
  }
  const ms = performance.now() - start;
  clearTimeout(killTimer);
  clearTimeout(startTimer);
  const { nextAckMs, longestGapMs } = acks.stop();
  const after = stats();
  await client.close();

  const settleStart = performance.now();
  await restarted; // a node that cannot start again ends the figure
  if (killed && restarted === undefined) await r1!.start(); // the run ended before its restart
  await settle(cluster, run, after.written);
  const settleMs = performance.now() - settleStart;
  const sql = sqlOn(cluster);
  const [stored, distinct] = (await sql(
    r2!.url,
    `SELECT count(), uniqExact(id) FROM ${TABLE} WHERE run = ${run}`,
  )).trim().split("\t").map(Number);
  const storedOther = await sql(r1!.url, `SELECT count() FROM ${TABLE} WHERE run = ${run}`)
    .then(Number, () => -1);
  const endpoints = after.endpoints ?? [];
  return {
    mode,
    killed,
    round,
    written: counted.written,
    acknowledged: after.written,
    dropped: Object.values(after.dropped).reduce((a, b) => a + b, 0),
    retried: after.retried,
    failedRequests: endpoints.reduce((sum, e) => sum + e.failures, 0),
    requests: endpoints.map((e) => e.requests),
    ...(endpoints[0]?.lastError === undefined ? {} : { replica1Error: endpoints[0].lastError }),
    stored: stored!,
    distinct: distinct!,
    storedOther,
    ms,
    ...(nextAckMs === undefined ? {} : { nextAckMs }),
    longestGapMs,
    settleMs,
    ...(error === undefined ? {} : { error }),
  };
}

// Writes for `runMs`: at the offered rate (caught up every 10 ms), or through `writeAll()` as fast
// as it takes rows (it waits while the buffer is full).
async function writeFor(
  mode: FailoverMode,
  m: tusk.Metric,
  rowOf: () => Record<string, unknown>,
  runMs: number,
): Promise<void> {
  const start = performance.now();
  if (mode === "offered") {
    const total = Math.round((OFFERED_ROWS_PER_S * runMs) / 1000);
    for (let written = 0; written < total; await sleep(10)) {
      const elapsed = performance.now() - start;
      const due = Math.min(total, Math.floor((OFFERED_ROWS_PER_S * elapsed) / 1000));
      for (; written < due; written++) m.write(rowOf());
    }
    return;
  }
  const end = start + runMs;
  await m.writeAll((function* () {
    while (performance.now() < end) {
      for (let k = 0; k < 1000; k++) yield rowOf();
    }
  })());
}

// Acknowledgements (`stats().written` growing), sampled every 10 ms (as often as the writer
// yields): the next one after mark(), and the longest time between two.
function watchAcks(written: () => number) {
  const acks: number[] = [];
  let last = 0;
  let marked: { at: number; written: number } | undefined;
  let nextAckMs: number | undefined;
  const sample = () => {
    const now = performance.now();
    const w = written();
    if (w > last) acks.push(now);
    last = w;
    if (marked && nextAckMs === undefined && w > marked.written) nextAckMs = now - marked.at;
  };
  const timer = setInterval(sample, 10);
  return {
    mark() {
      marked = { at: performance.now(), written: written() };
    },
    stop(): { nextAckMs?: number; longestGapMs: number } {
      sample();
      clearInterval(timer);
      const gaps = acks.slice(1).map((t, i) => t - acks[i]!);
      return {
        ...(nextAckMs === undefined ? {} : { nextAckMs }),
        longestGapMs: Math.max(0, ...gaps),
      };
    },
  };
}

// Waits (at most SETTLE_MS) until both replicas hold the run's acknowledged rows, with an empty
// replication queue and neither read-only: a replica restarted while its old ZooKeeper session
// lives takes seconds to catch up, and the next run must find both taking writes.
async function settle(cluster: Cluster, run: number, acknowledged: number): Promise<void> {
  const sql = sqlOn(cluster);
  const settled = async () => {
    for (const node of cluster.nodes) {
      const state = await sql(
        node.url,
        "SELECT is_readonly, queue_size FROM system.replicas WHERE table = 'failover'",
      );
      if (state.trim() !== "0\t0") return false;
      const count = await sql(node.url, `SELECT count() FROM ${TABLE} WHERE run = ${run}`);
      if (Number(count) < acknowledged) return false;
    }
    return true;
  };
  const deadline = performance.now() + SETTLE_MS;
  while (!(await settled().catch(() => false)) && performance.now() < deadline) await sleep(100);
}

if (import.meta.main) {
  const missing = failoverMissing();
  if (missing) {
    console.log(`failover figure skipped: ${missing}`);
  } else {
    const figures = await failover(Number(Deno.env.get("TUSK_BENCH_ROUNDS") ?? 1));
    console.log(JSON.stringify(figures, null, 2));
  }
}
