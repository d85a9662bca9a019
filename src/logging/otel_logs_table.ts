import { quoteIdentifier } from "../transport/quote.ts";

/** Options of {@linkcode otelLogsTableDdl}. */
export interface OtelLogsTableOptions {
  /**
   * Days rows are kept (by `TimestampTime`); `0` for no TTL.
   * @default {7}
   */
  ttlDays?: number;
}

const ATTRIBUTES = "Map(LowCardinality(String), String) CODEC(ZSTD(1))";

// The OpenTelemetry Collector ClickHouse exporter's log columns, in its order,
// so that tools reading its `otel_logs` table read this one too.
const COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ["Timestamp", "DateTime64(9) CODEC(Delta(8), ZSTD(1))"],
  ["TimestampTime", "DateTime DEFAULT toDateTime(Timestamp)"],
  ["TraceId", "String CODEC(ZSTD(1))"],
  ["SpanId", "String CODEC(ZSTD(1))"],
  ["TraceFlags", "UInt8"],
  ["SeverityText", "LowCardinality(String) CODEC(ZSTD(1))"],
  ["SeverityNumber", "UInt8"],
  ["ServiceName", "LowCardinality(String) CODEC(ZSTD(1))"],
  ["Body", "String CODEC(ZSTD(1))"],
  ["ResourceSchemaUrl", "LowCardinality(String) CODEC(ZSTD(1))"],
  ["ResourceAttributes", ATTRIBUTES],
  ["ScopeSchemaUrl", "LowCardinality(String) CODEC(ZSTD(1))"],
  ["ScopeName", "String CODEC(ZSTD(1))"],
  ["ScopeVersion", "LowCardinality(String) CODEC(ZSTD(1))"],
  ["ScopeAttributes", ATTRIBUTES],
  ["LogAttributes", ATTRIBUTES],
];

// Skip indexes for the lookups log viewers make: a trace's logs, attribute
// keys and values, words of the body.
const INDEXES: readonly string[] = [
  "idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1",
  "idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1",
  "idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1",
  "idx_log_attr_key mapKeys(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1",
  "idx_log_attr_value mapValues(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1",
  "idx_body Body TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8",
];

/**
 * The `CREATE TABLE` statement of a log table in the layout of the
 * OpenTelemetry Collector's ClickHouse exporter (`otel_logs`): the table that
 * `logging.init({ layout: "otel" })` writes and that tools built on that
 * exporter (ClickStack/HyperDX, Grafana's ClickHouse logs views) read. Needs
 * `Map` and `DateTime64`, so not ClickHouse 18.x.
 *
 * @param table `"db.table"` or `"table"`.
 * @default {"otel_logs"}
 * @param options Retention.
 * @returns The statement.
 * @throws {RangeError} For a negative or fractional `ttlDays`.
 *
 * @example
 * ```ts
 * import { otelLogsTableDdl } from "@tusk/clickhouse/logging";
 * console.log(otelLogsTableDdl("observability.otel_logs", { ttlDays: 30 }));
 * ```
 */
export function otelLogsTableDdl(
  table = "otel_logs",
  options: OtelLogsTableOptions = {},
): string {
  const ttlDays = options.ttlDays ?? 7;
  if (!Number.isSafeInteger(ttlDays) || ttlDays < 0) {
    throw new RangeError(`Cannot make the otel_logs DDL: ttlDays must be a whole number >= 0`);
  }
  const name = table.split(".").map(quoteIdentifier).join(".");
  const body = [
    ...COLUMNS.map(([column, type]) => `    ${quoteIdentifier(column)} ${type}`),
    ...INDEXES.map((index) => `    INDEX ${index}`),
  ];
  return [
    `CREATE TABLE IF NOT EXISTS ${name}`,
    "(",
    body.join(",\n"),
    ")",
    "ENGINE = MergeTree",
    "PARTITION BY toDate(TimestampTime)",
    "PRIMARY KEY (ServiceName, TimestampTime)",
    "ORDER BY (ServiceName, TimestampTime, Timestamp)",
    ...(ttlDays > 0 ? [`TTL TimestampTime + toIntervalDay(${ttlDays})`] : []),
    "SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1",
  ].join("\n");
}
