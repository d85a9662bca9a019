// Formatting helpers of the report (bench/_report.ts and its sections).

/** `x` with thousands separators and `digits` decimals. */
export const fmt = (x: number, digits = 0): string =>
  x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A ratio as `1.23x`. */
export const ratio = (x: number): string => `${fmt(x, 2)}x`;

/** A Markdown table. */
export function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

/** A spread as `low-high`. */
export const range = (r: { low: number; high: number }): string =>
  `${fmt(r.low, 2)}-${fmt(r.high, 2)}`;

/** Sorted values, comma separated. */
export const each = (r: { all: number[] }): string => r.all.map((x) => fmt(x, 2)).join(", ");
