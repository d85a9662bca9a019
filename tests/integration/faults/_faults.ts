// Shared pieces of the fault-injection suite: the CI/full switch, a dedicated 18.16 server the
// tests may kill, row counting read back independently of the library, and a sampler of the
// client's buffered rows.
import * as tusk from "../../../mod.ts";
import { clientSlot } from "../../../src/client/registry.ts";
import { selectRows, sql, type TestEngine } from "../../_helpers/engines.ts";

/** `TUSK_FULL_FAULTS=1`: the sizes of the issue (1,000,000 rows, 5 minutes); else CI sizes. */
export const FULL = Deno.env.get("TUSK_FULL_FAULTS") === "1";

/** Prints one measured figure, so a run's output holds what the README reports. */
export function figure(name: string, value: unknown): void {
  console.log(`FIGURE ${name}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rows and distinct ids in `table`. */
export async function countIds(
  engine: TestEngine,
  table: string,
): Promise<{ rows: number; ids: number }> {
  const [row] = await selectRows<{ n: string | number; u: string | number }>(
    engine,
    `SELECT count() AS n, uniqExact(id) AS u FROM ${table}`,
  );
  return { rows: Number(row!.n), ids: Number(row!.u) };
}

/** A client's figures summed over its tables. */
export function totals(clientName: string): {
  written: number;
  pending: number;
  retried: number;
  failedBatches: number;
  dropped: Record<string, number>;
} {
  const out = {
    written: 0,
    pending: 0,
    retried: 0,
    failedBatches: 0,
    dropped: {} as Record<string, number>,
  };
  for (const s of clientSlot(clientName).stats()) {
    out.failedBatches += s.failedBatches;
    out.written += s.written;
    out.pending += s.pending;
    out.retried += s.retried;
    for (const [k, v] of Object.entries(s.dropped)) out.dropped[k] = (out.dropped[k] ?? 0) + v;
  }
  return out;
}

/** What the client holds in memory now (rows, bytes) and its caps. */
export function buffered(clientName: string): ReturnType<typeof clientSlot>["buffered"] {
  return clientSlot(clientName).buffered;
}

/** Samples the client's buffer and the process's heap every `everyMs` until stopped. */
export function sampleMemory(clientName: string, everyMs = 100): {
  stop(): { maxRows: number; maxBytes: number; heapMB: number[]; rssMB: number[] };
} {
  let maxRows = 0;
  let maxBytes = 0;
  const heapMB: number[] = [];
  const rssMB: number[] = [];
  let ticks = 0;
  const timer = setInterval(() => {
    const b = buffered(clientName);
    maxRows = Math.max(maxRows, b.rows);
    maxBytes = Math.max(maxBytes, b.bytes);
    if (ticks++ % 10 === 0) {
      const m = Deno.memoryUsage();
      heapMB.push(Math.round(m.heapUsed / 1e6));
      rssMB.push(Math.round(m.rss / 1e6));
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { maxRows, maxBytes, heapMB, rssMB };
    },
  };
}

/** A MergeTree table `(id UInt64, at DateTime, note String)` in a fresh database. */
export async function idsTable(
  engine: TestEngine,
  db: string,
  name = "t",
  dedupWindow = 0,
): Promise<string> {
  const settings = dedupWindow > 0
    ? ` SETTINGS non_replicated_deduplication_window = ${dedupWindow}`
    : "";
  await sql(
    engine,
    `CREATE TABLE ${db}.${name} (id UInt64, at DateTime, note String) ` +
      `ENGINE = MergeTree ORDER BY id${settings}`,
  );
  return `${db}.${name}`;
}

/** Starts a client on `url` with the test user; errors are collected, not printed. */
export function client(
  engine: TestEngine,
  url: string,
  clientName: string,
  options: Partial<tusk.InitOptions> = {},
): Error[] {
  const errors: Error[] = [];
  tusk.init({
    url,
    user: engine.user,
    password: engine.password,
    clientName,
    onError: (e) => errors.push(e),
    // These tests drive retries by the writer's own backoff (often on a fake clock); a flush
    // here makes one attempt, as a flush that retries is tested on its own.
    flushTimeout: 0,
    ...options,
  });
  return errors;
}

/** Polls until `condition` holds, sleeping `stepMs`; fails after `timeoutMs`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
  stepMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(stepMs);
  }
}

/** Moves a fake clock `stepMs` at a time (letting real I/O run between steps) until `condition`. */
export async function drive(
  clock: tusk.FakeClock,
  condition: () => boolean | Promise<boolean>,
  what: string,
  { stepMs = 1000, timeoutMs = 30_000 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await clock.tick(stepMs);
    await sleep(10);
  }
}
