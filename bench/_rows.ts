// The benchmark rows: a 4-column metric row (about 70 bytes of JSONEachRow), the same for every
// writer, so their JSON text is byte for byte the same.

/** The table's columns, as `[name, type]`. */
export const COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ["time", "DateTime"],
  ["host", "String"],
  ["metric", "String"],
  ["value", "Float64"],
];

/** The CREATE TABLE statement for `table`. */
export function createTable(table: string, engine = "MergeTree ORDER BY (host, time)"): string {
  return `CREATE TABLE ${table} (${COLUMNS.map(([n, t]) => `${n} ${t}`).join(", ")}) ` +
    `ENGINE = ${engine}`;
}

/** The columns of `logsTableDdl()`, as `[name, type]`. */
export const LOG_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ["category", "String"],
  ["host", "String"],
  ["app", "String"],
  ["datetime", "DateTime64(3)"],
  ["level", "Int8"],
  ["logger", "String"],
  ["line", "UInt32"],
  ["error", "String"],
  ["message", "String"],
  ["stacktrace", "String"],
];
const METRICS = ["cpu.user", "cpu.system", "mem.used", "disk.read", "disk.write", "net.rx"];

/** A benchmark row. */
export type Row = {
  time: number;
  host: string;
  metric: string;
  value: number;
};

/**
 * Row `i`. `"s"`: time in epoch seconds (what JSON.stringify must get for a DateTime);
 * `"ms"`: epoch milliseconds (what Tusk takes); both encode to the same JSON text.
 */
export function rowAt(i: number, unit: "s" | "ms"): Row {
  const seconds = 1_700_000_000 + Math.floor(i / 100);
  return {
    time: unit === "s" ? seconds : seconds * 1000 + (i % 1000),
    host: "web-" + (i % 50),
    metric: METRICS[i % METRICS.length]!,
    value: (i % 1000) / 16,
  };
}

/** A row with `n` columns: the 4 above plus Float64 columns `c4`.. */
export function wideColumns(n: number): Array<readonly [string, string]> {
  const out = [...COLUMNS];
  for (let c = 4; c < n; c++) out.push([`c${c}`, "Float64"]);
  return out;
}

/** Row `i` with `n` columns (time in milliseconds). */
export function wideRowAt(i: number, n: number): Record<string, unknown> {
  const row: Record<string, unknown> = { ...rowAt(i, "ms") };
  for (let c = 4; c < n; c++) row[`c${c}`] = (i + c) / 8;
  return row;
}
