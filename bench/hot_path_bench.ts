// Hot-path costs once a table's schema is known: one Metric.write() of a 4-column row, one
// RowEncoder.encode() of it, one Counter.count(), each against JSON.stringify of the same row
// (the floor: any writer has to turn the row into JSON text).
// Run: deno bench -A bench/hot_path_bench.ts  (npm run bench runs it and writes BENCHMARKS.md)

import * as tusk from "../mod.ts";
import { counter } from "../src/counter/mod.ts";
import { RowEncoder } from "../src/schema/row_encoder.ts";
import { parseType } from "../src/schema/parse_type.ts";
import { fakeServer, initHoldingClient } from "./_fake_server.ts";
import { COLUMNS, rowAt } from "./_rows.ts";

const server = fakeServer({
  "bench.m": COLUMNS,
  "bench.hits": [["resource_id", "String"], ["datetime", "DateTime"], ["count", "UInt64"]],
});
initHoldingClient(server);
const metric = tusk.metric({ table: "bench.m", clientName: "bench" });
await metric.ready();
const hits = counter({ table: "bench.hits", clientName: "bench" });
hits.count({ resource_id: "warm-up" });
await tusk.flush();

const encoder = new RowEncoder(
  COLUMNS.map(([name, type]) => ({ name, type: parseType(type) })) as never,
  { table: "bench.m" },
);

const rows = Array.from({ length: 4096 }, (_, i) => rowAt(i, "ms"));
let i = 0;
let sink = 0;

Deno.bench("JSON.stringify(row)", { group: "write", baseline: true }, () => {
  sink += JSON.stringify(rows[i++ & 4095]).length;
});

Deno.bench("RowEncoder.encode(row)", { group: "write" }, () => {
  sink += encoder.encode(rows[i++ & 4095]!, 1_700_000_000_000).length;
});

Deno.bench("Metric.write(row)", { group: "write", n: 1_000_000, warmup: 100_000 }, () => {
  metric.write(rows[i++ & 4095]!);
});

// During an outage the client's buffer fills up; each further write then drops the oldest row.
// That must stay a cheap, constant cost (the drop is counted; the report is rate-limited).
tusk.init({
  url: "http://bench.invalid:8123",
  clientName: "bench-full",
  fetch: server.fetch,
  batching: { maxRows: 1_000_000, maxBufferedRows: 1_000_000, period: 3600 },
  buffer: { maxRows: 10_000 },
  onError: () => {},
});
const full = tusk.metric({ table: "bench.m", clientName: "bench-full" });
await full.ready();
for (let n = 0; n < 10_000; n++) full.write(rows[n & 4095]!);
Deno.bench("Metric.write(row), buffer full (drops the oldest)", { group: "write" }, () => {
  full.write(rows[i++ & 4095]!);
});

const tags = Array.from({ length: 64 }, (_, n) => ({ resource_id: `res-${n}` }));
Deno.bench("JSON.stringify(tags)", { group: "count", baseline: true }, () => {
  sink += JSON.stringify(tags[i++ & 63]).length;
});

Deno.bench("Counter.count(tags)", { group: "count" }, () => {
  hits.count(tags[i++ & 63]!);
});

globalThis.addEventListener("unload", () => {
  if (sink < 0) console.log(sink, server.requests);
});
