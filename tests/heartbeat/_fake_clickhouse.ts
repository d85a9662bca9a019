// A `fetch` that plays a ClickHouse server holding one heartbeat table, for unit tests: it
// answers the `system.columns` query and records inserted rows. `down = true` fails requests.

/** The original README's maintenance.heartbeats columns. */
export const README_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ["app", "String"],
  ["datetime", "DateTime64(3)"],
  ["task", "String"],
  ["sequence", "UInt32"],
  ["expiry", "DateTime64(3)"],
];

export interface HeartbeatRow {
  app: string;
  task: string;
  /** Epoch ms. */
  datetime: number;
  sequence: number;
  /** Epoch ms. */
  expiry: number;
}

export class FakeClickHouse {
  /** Rows inserted, parsed; DateTime64(3) values are epoch ms. */
  readonly rows: Record<string, unknown>[] = [];
  /** Fail every request (a connection refused). */
  down = false;
  requests = 0;
  readonly #columns: ReadonlyArray<readonly [string, string]>;

  constructor(columns: ReadonlyArray<readonly [string, string]> = README_COLUMNS) {
    this.#columns = columns;
  }

  /** The `fetch` to pass to `tusk.init`. */
  readonly fetch: typeof fetch = async (input, init) => {
    this.requests++;
    if (this.down) throw new TypeError("error sending request: Connection refused (os error 111)");
    const request = new Request(input, init);
    const body = await request.text();
    if (body.startsWith("INSERT")) {
      for (const line of body.slice(body.indexOf("\n") + 1).split("\n")) {
        if (line !== "") this.rows.push(JSON.parse(line));
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

  /** Inserted rows as numbers where the README table has numbers. */
  heartbeats(): HeartbeatRow[] {
    return this.rows.map((r) => ({
      app: r.app as string,
      task: r.task as string,
      datetime: Number(r.datetime),
      sequence: Number(r.sequence),
      expiry: Number(r.expiry),
    }));
  }
}
