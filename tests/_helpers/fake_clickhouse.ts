// A `fetch` that plays a ClickHouse server holding one table, for unit tests of what a feature
// sends: it answers the `system.columns` query and keeps every inserted line as text (so 64-bit
// values stay exact). `down = true` fails every request as a refused connection would.
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
}
