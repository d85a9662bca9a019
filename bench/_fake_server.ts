import * as tusk from "../mod.ts";
// A `fetch` that plays a ClickHouse server for in-process benchmarks: it answers
// `system.columns` for the tables it is given and accepts (and discards) inserts, so the figures
// are Tusk's own and not the network's.

/** The fake: its `fetch` and how many requests it saw. */
export interface FakeServer {
  fetch: typeof fetch;
  readonly requests: number;
}

/** @param tables Columns (`[name, type]`) by `"db.table"`. */
export function fakeServer(
  tables: Record<string, ReadonlyArray<readonly [string, string]>>,
): FakeServer {
  let requests = 0;
  const fetchFn: typeof fetch = async (input, init) => {
    requests++;
    const body = await new Request(input, init).text();
    if (body.includes("system.columns")) {
      const table = Object.keys(tables).find((t) => {
        const [db, name] = t.split(".");
        return body.includes(`'${db}'`) && body.includes(`'${name}'`);
      });
      const text = (tables[table ?? ""] ?? [])
        .map(([name, type]) => JSON.stringify({ name, type, default_kind: "" }) + "\n")
        .join("");
      return new Response(text, { status: 200 });
    }
    return new Response("", { status: 200 });
  };
  return {
    fetch: fetchFn,
    get requests() {
      return requests;
    },
  };
}

/**
 * Connects client `bench` to a fake server, holding every row it is given:
 * `Deno.bench` runs its iterations without yielding, so no flush runs meanwhile.
 */
export function initHoldingClient(server: FakeServer): void {
  tusk.init({
    url: "http://bench.invalid:8123",
    clientName: "bench",
    fetch: server.fetch,
    batching: { maxRows: 2_000_000, maxBufferedRows: 2_000_000, maxBytes: 2 ** 30, period: 3600 },
    buffer: { maxRows: 2_000_000, maxBytes: 2 ** 30 },
  });
}
