// The fake server of tests/_helpers, holding the original README's download.quota_usage.
import { FakeClickHouse, type FakeColumns } from "../_helpers/fake_clickhouse.ts";

/** The original README's download.quota_usage, as the recommended DDL makes it. */
export const QUOTA_COLUMNS: FakeColumns = [
  ["resource_id", "String"],
  ["requester_ip", "String"],
  ["datetime", "DateTime"],
  ["count", "UInt64"],
];

export class FakeQuotaTable extends FakeClickHouse {
  constructor(columns: FakeColumns = QUOTA_COLUMNS) {
    super(columns);
  }

  /** `"tag=value,...": count` for each inserted row, without the time column. */
  sums(countColumn = "count"): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of this.lines) {
      const count = new RegExp(`"${countColumn}":(-?[0-9]+)`).exec(line)![1]!;
      const row = JSON.parse(line);
      const tags = Object.keys(row).filter((k) => k !== countColumn && k !== "datetime").sort()
        .map((k) => `${k}=${row[k]}`).join(",");
      out[tags] = String(BigInt(out[tags] ?? 0) + BigInt(count));
    }
    return out;
  }
}
