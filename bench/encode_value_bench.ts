// Encodes one 4-column row with compiled encoders vs JSON.stringify of the same object.
// Run: deno bench bench/encode_value_bench.ts

import { compileEncoder } from "../src/schema/encode_value.ts";
import { parseType } from "../src/schema/parse_type.ts";

const host = compileEncoder(parseType("LowCardinality(String)"));
const metric = compileEncoder(parseType("String"));
const value = compileEncoder(parseType("Float64"));
const time = compileEncoder(parseType("DateTime64(3)"));

const row = { host: "web-01", metric: "cpu.user", value: 0.4375, time: new Date(1700000000123) };
let sink = 0;

Deno.bench("compiled encoders, 4-column row", { group: "row", baseline: false }, () => {
  const line = '{"host":' + host(row.host) + ',"metric":' + metric(row.metric) +
    ',"value":' + value(row.value) + ',"time":' + time(row.time) + "}";
  sink += line.length;
});

Deno.bench("JSON.stringify, same row (baseline)", { group: "row", baseline: true }, () => {
  sink += JSON.stringify(row).length;
});

Deno.bench("compiled encoders, 4-column row, time as epoch ms", { group: "row" }, () => {
  const line = '{"host":' + host(row.host) + ',"metric":' + metric(row.metric) +
    ',"value":' + value(row.value) + ',"time":' + time(1700000000123) + "}";
  sink += line.length;
});

const flat = { ...row, time: 1700000000123 };
Deno.bench("JSON.stringify, same row with time as a number (no Date.toJSON)", {
  group: "row",
}, () => {
  sink += JSON.stringify(flat).length;
});

globalThis.addEventListener("unload", () => {
  if (sink < 0) console.log(sink);
});
