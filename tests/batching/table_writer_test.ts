import assert from "node:assert/strict";
import * as tusk from "../../mod.ts";
import { counter } from "../../src/counter/mod.ts";
import { uniqueClient } from "../_helpers/for_each_engine.ts";
import { FakeQuotaTable } from "../counter/_fake_clickhouse.ts";

/** A fetch that refuses every request, as a server that is down does, and counts them. */
function refusing(): { fetch: typeof fetch; requests: () => number } {
  let requests = 0;
  return {
    fetch: () => {
      requests++;
      return Promise.reject(new TypeError("error sending request: Connection refused"));
    },
    requests: () => requests,
  };
}

function received(s: tusk.TableStats): number {
  return s.written + s.pending + Object.values(s.dropped).reduce((a, b) => a + b, 0);
}

Deno.test("TableWriter.write() while ClickHouse is away asks for the schema once per backoff, not per row", async () => {
  const server = refusing();
  const clientName = uniqueClient("writer");
  tusk.init({
    url: "http://down:8123",
    clientName,
    fetch: server.fetch,
    closeTimeout: 0.5,
    onError: () => {},
  });
  try {
    const m = tusk.metric({ table: "db.t", clientName });
    for (let i = 0; i < 50; i++) {
      m.write({ id: i });
      await new Promise((resolve) => setTimeout(resolve, 2)); // the failed read is seen meanwhile
    }
    assert.ok(server.requests() <= 2, `${server.requests()} schema requests for 50 rows`);
    const s = tusk.stats()[`${clientName}/db.t`]!;
    assert.equal(s.pending, 50, "every row kept");
    assert.equal(s.received, 50);
  } finally {
    await tusk.getClient(clientName)?.close();
  }
});

Deno.test("stats() keeps received = written + pending + dropped while a counter holds sums", async () => {
  const server = new FakeQuotaTable();
  const clientName = uniqueClient("writer");
  tusk.init({ url: "http://fake:8123", clientName, fetch: server.fetch });
  try {
    const quota = counter({ table: "download.quota_usage", clientName, countPeriod: 3600 });
    await quota.ready();
    quota.count({ resource_id: "A", requester_ip: "1" });
    quota.count({ resource_id: "B", requester_ip: "1" });
    const held = tusk.stats()[`${clientName}/download.quota_usage`]!;
    assert.equal(held.pending, 2, "the two sums are pending");
    assert.equal(held.received, received(held));
    await quota.flush();
    const sent = tusk.stats()[`${clientName}/download.quota_usage`]!;
    assert.deepEqual([sent.received, sent.written, sent.pending], [2, 2, 0]);
  } finally {
    await tusk.getClient(clientName)?.close();
  }
});

Deno.test("close() keeps the client and its rows when init() runs while it flushes", async () => {
  const down = refusing();
  const server = new FakeQuotaTable();
  const clientName = uniqueClient("writer");
  tusk.init({
    url: "http://down:8123",
    clientName,
    fetch: down.fetch,
    closeTimeout: 1,
    onError: () => {},
  });
  const quota = counter({ table: "download.quota_usage", clientName, countPeriod: 3600 });
  quota.count({ resource_id: "A", requester_ip: "1" });
  const closing = tusk.getClient(clientName)!.close(); // keeps trying for about a second
  await new Promise((resolve) => setTimeout(resolve, 100));
  tusk.init({ url: "http://fake:8123", clientName, fetch: server.fetch });
  try {
    await closing;
    assert.ok(tusk.getClient(clientName) !== undefined, "the new init() is kept");
    await tusk.getClient(clientName)!.flush();
    assert.equal(server.lines.length, 1, "the counted row arrives through the new connection");
    const s = tusk.stats()[`${clientName}/download.quota_usage`]!;
    assert.deepEqual(s.dropped, {}, "nothing given up");
  } finally {
    await tusk.getClient(clientName)?.close();
  }
});
