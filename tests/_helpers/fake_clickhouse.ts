// A `fetch` that plays a ClickHouse server holding one table, for unit tests of what a feature
// sends: it answers the `system.columns` query and keeps every inserted line as text (so 64-bit
// values stay exact). `down = true` fails every request as a refused connection would; `refuse`
// makes it answer an insert holding a line it names as ClickHouse answers a parse error.
// Features' integration tests use the real engines; this is for edge cases and request counting.

/** Column names and types, in table order. */
export type FakeColumns = ReadonlyArray<readonly [string, string]>;

export class FakeClickHouse {
  /** Inserted JSONEachRow lines, in order. */
  readonly lines: string[] = [];
  /** Every request's body, in order. */
  readonly requests: string[] = [];
  /** Fail every request (a connection refused). */
  down = false;
  /**
   * Lines the server cannot parse: an insert holding one stores nothing and is
   * answered with HTTP 400 and a parse error naming the first such row, as
   * ClickHouse does (`(at row N)`; left out when `namesRow` is false).
   */
  refuse: ((line: string) => boolean) | undefined;
  /** Whether a refusal names the row. */
  namesRow = true;
  readonly #columns: FakeColumns;

  constructor(columns: FakeColumns) {
    this.#columns = columns;
  }

  /** The `fetch` to pass to `tusk.init`. */
  readonly fetch: typeof fetch = async (input, init) => {
    const body = await new Request(input, init).text();
    this.requests.push(body);
    if (this.down) throw new TypeError("error sending request: Connection refused (os error 111)");
    if (body.startsWith("INSERT")) {
      const lines = body.slice(body.indexOf("\n") + 1).split("\n").filter((line) => line !== "");
      const bad = this.refuse === undefined ? -1 : lines.findIndex(this.refuse);
      if (bad >= 0) return parseError(this.namesRow ? bad + 1 : undefined);
      this.lines.push(...lines);
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
}

// ClickHouse 26.x's answer to an insert whose row `row` it cannot parse.
function parseError(row: number | undefined): Response {
  const at = row === undefined ? "" : `: (at row ${row})\n`;
  const text = "Code: 27. DB::Exception: Cannot parse input: expected '\"' before: 'bad'" + at +
    ": While executing ParallelParsingBlockInputFormat. (CANNOT_PARSE_INPUT_ASSERTION_FAILED) " +
    "(version 26.7.2.1)\n";
  return new Response(text, { status: 400, headers: { "x-clickhouse-exception-code": "27" } });
}
