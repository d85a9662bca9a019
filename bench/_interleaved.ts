// Hot-path comparisons for the targets, measured interleaved: a batch of baseline calls, then a
// batch of candidate calls, repeated, and the median of the per-pair ratios. On a noisy machine
// a baseline measured minutes apart from its candidate (as `deno bench` does, one bench after
// another) can be off by 2x; a pair measured back to back shares the machine's state.

import pino from "pino";
import * as tusk from "../mod.ts";
import * as logging from "../src/logging/mod.ts";
import { median } from "./_e2e_helpers.ts";
import { fakeServer } from "./_fake_server.ts";
import { COLUMNS, LOG_COLUMNS, rowAt } from "./_rows.ts";

/** One comparison: medians over the pairs. */
export interface Pair {
  name: string;
  baseline: string;
  /** Median ns per call. */
  baselineNs: number;
  candidateNs: number;
  /** Median, lowest and highest of the per-pair ratios candidate / baseline. */
  ratio: number;
  low: number;
  high: number;
  pairs: number;
}

interface Side {
  name: string;
  call: (i: number) => void;
}

async function compare(
  base: Side,
  candidate: Side,
  calls: number,
  pairs: number,
  between: () => Promise<void>,
): Promise<Pair> {
  const baseNs: number[] = [];
  const candNs: number[] = [];
  const ratios: number[] = [];
  for (let p = -1; p < pairs; p++) { // p = -1 warms both up and is not counted
    let t = performance.now();
    for (let i = 0; i < calls; i++) base.call(i);
    const b = (performance.now() - t) * 1e6 / calls;
    t = performance.now();
    for (let i = 0; i < calls; i++) candidate.call(i);
    const c = (performance.now() - t) * 1e6 / calls;
    await between();
    if (p < 0) continue;
    baseNs.push(b);
    candNs.push(c);
    ratios.push(c / b);
  }
  return {
    name: candidate.name,
    baseline: base.name,
    baselineNs: median(baseNs),
    candidateNs: median(candNs),
    ratio: median(ratios),
    low: Math.min(...ratios),
    high: Math.max(...ratios),
    pairs,
  };
}

/**
 * `Metric.write()` against `JSON.stringify` of the same row, and `logger.info()` with and
 * without file/line capture against pino to a no-op destination. Tusk's rows go to a `fetch`
 * that discards them; the buffer is flushed between pairs, outside the timed batches (pino's
 * no-op destination keeps nothing either), so every batch starts from an empty buffer.
 *
 * @param pairs Pairs per comparison.
 */
export async function interleavedHotPath(pairs = 7): Promise<Pair[]> {
  const server = fakeServer({ "bench.iw": COLUMNS, "bench.il": LOG_COLUMNS });
  const clientName = "bench-interleaved";
  tusk.init({
    url: "http://bench.invalid:8123",
    clientName,
    fetch: server.fetch,
    batching: { maxRows: 1_000_000, maxBufferedRows: 1_000_000, maxBytes: 2 ** 30, period: 3600 },
    buffer: { maxRows: 2_000_000, maxBytes: 2 ** 30 },
  });
  const flush = async () => {
    await tusk.getClient(clientName)!.flush();
  };
  const out: Pair[] = [];
  try {
    const metric = tusk.metric({ table: "bench.iw", clientName });
    await metric.ready();
    const rows = Array.from({ length: 4096 }, (_, i) => rowAt(i, "ms"));
    const plainRows = Array.from({ length: 4096 }, (_, i) => rowAt(i, "s"));
    let sink = 0;
    out.push(
      await compare(
        {
          name: "JSON.stringify(row)",
          call: (i) => sink += JSON.stringify(plainRows[i & 4095]).length,
        },
        { name: "Metric.write(row)", call: (i) => metric.write(rows[i & 4095]!) },
        100_000,
        pairs,
        flush,
      ),
    );
    const pinoLogger = pino({}, { write: (line: string) => void (sink += line.length) });
    const pinoSide: Side = {
      name: "pino: logger.info(), no-op destination",
      call: () => pinoLogger.info("Hello world!"),
    };
    await tusk.metric({ table: "bench.il", clientName }).ready();
    for (const capture of [false, true]) {
      const handle = logging.init({
        table: "bench.il",
        appName: "my_app",
        clientName,
        console: false,
        ...(capture ? {} : { columns: { logger: null, line: null } }),
      });
      const logger = logging.getLogger("bench");
      out.push(
        await compare(
          pinoSide,
          {
            name: `logger.info(), ${capture ? "file/line capture" : "no file/line capture"}`,
            call: () => logger.info("Hello world!"),
          },
          capture ? 20_000 : 100_000,
          pairs,
          flush,
        ),
      );
      await handle.stop();
    }
    if (sink < 0) console.log(sink);
  } finally {
    await tusk.getClient(clientName)?.close();
  }
  return out;
}
