// A `fetch` that plays a ClickHouse server holding one table, for unit tests: it answers the
// `system.columns` query and keeps inserted lines as text (so 64-bit sums stay exact).

/** The original README's download.quota_usage, as the recommended DDL makes it. */
export const QUOTA_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ["resource_id", "String"],
  ["requester_ip", "String"],
  ["datetime", "DateTime"],
  ["count", "UInt64"],
];

export class FakeClickHouse {
  /** Inserted JSONEachRow lines, in order. */
  readonly lines: string[] = [];
  /** Every request's body, in order. */
  readonly requests: string[] = [];
  readonly #columns: ReadonlyArray<readonly [string, string]>;

  constructor(columns: ReadonlyArray<readonly [string, string]> = QUOTA_COLUMNS) {
    this.#columns = columns;
  }

  /** The `fetch` to pass to `tusk.init`. */
  readonly fetch: typeof fetch = async (input, init) => {
    const body = await new Request(input, init).text();
    this.requests.push(body);
    if (body.startsWith("INSERT")) {
      for (const line of body.slice(body.indexOf("\n") + 1).split("\n")) {
        if (line !== "") this.lines.push(line);
      }
      return new Response("", { status: 200 });
    }
    if (body.includes("system.columns")) {
      const text = this.#columns
        .map(([name, type]) => JSON.stringify({ name, type, default_kind: "" }) + "\n")
        .join("");
      return new Response(text, { status: 200 });
    }
    return new Response("", { status: 200 });
  };

  /** Inserted rows, parsed (64-bit numbers lose precision: use `lines` for those). */
  rows(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line));
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
