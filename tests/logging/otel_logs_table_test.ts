import assert from "node:assert/strict";
import { otelLogsTableDdl } from "../../src/logging/otel_logs_table.ts";

// The columns and types of the OpenTelemetry Collector ClickHouse exporter's logs table, which
// log viewers built on it expect (codecs aside).
const EXPORTER_COLUMNS = [
  ["Timestamp", "DateTime64(9)"],
  ["TimestampTime", "DateTime"],
  ["TraceId", "String"],
  ["SpanId", "String"],
  ["TraceFlags", "UInt8"],
  ["SeverityText", "LowCardinality(String)"],
  ["SeverityNumber", "UInt8"],
  ["ServiceName", "LowCardinality(String)"],
  ["Body", "String"],
  ["ResourceSchemaUrl", "LowCardinality(String)"],
  ["ResourceAttributes", "Map(LowCardinality(String), String)"],
  ["ScopeSchemaUrl", "LowCardinality(String)"],
  ["ScopeName", "String"],
  ["ScopeVersion", "LowCardinality(String)"],
  ["ScopeAttributes", "Map(LowCardinality(String), String)"],
  ["LogAttributes", "Map(LowCardinality(String), String)"],
];

Deno.test("otelLogsTableDdl() has the exporter's columns, in its order, with its types", () => {
  const ddl = otelLogsTableDdl();
  const columns = [...ddl.matchAll(/^ {4}`(\w+)` (.*?)(?: CODEC\(.*| DEFAULT .*)?,?$/gm)]
    .map((m) => [m[1], m[2]]);
  assert.deepEqual(columns, EXPORTER_COLUMNS);
  assert.match(ddl, /^CREATE TABLE IF NOT EXISTS `otel_logs`\n/);
  assert.match(ddl, /\nORDER BY \(ServiceName, TimestampTime, Timestamp\)\n/);
});

Deno.test("otelLogsTableDdl() quotes the table and keeps rows ttlDays days", async (t) => {
  await t.step("default: 7 days", () => {
    const ddl = otelLogsTableDdl("observability.otel_logs");
    assert.match(ddl, /^CREATE TABLE IF NOT EXISTS `observability`\.`otel_logs`\n/);
    assert.match(ddl, /\nTTL TimestampTime \+ toIntervalDay\(7\)\n/);
  });
  await t.step("30 days", () => {
    assert.match(otelLogsTableDdl("t", { ttlDays: 30 }), /toIntervalDay\(30\)/);
  });
  await t.step("0: no TTL", () => {
    assert.doesNotMatch(otelLogsTableDdl("t", { ttlDays: 0 }), /TTL/);
  });
  await t.step("a bad ttlDays is refused", () => {
    assert.throws(() => otelLogsTableDdl("t", { ttlDays: -1 }), RangeError);
    assert.throws(() => otelLogsTableDdl("t", { ttlDays: 1.5 }), RangeError);
  });
});
