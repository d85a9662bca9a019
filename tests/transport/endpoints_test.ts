import assert from "node:assert/strict";
import { TuskClickHouseError } from "../../src/errors.ts";
import { Endpoints } from "../../src/transport/endpoints.ts";
import type { LoadBalancing } from "../../src/transport/replica_set.ts";
import {
  ACTION,
  connectionOptions,
  FakeServers,
  manualClock,
  rejection,
  TABLE,
  urlOf,
} from "./_fake_servers.ts";

const ROWS = '{"n":1}\n';

function setup(shards: string[][], loadBalancing: LoadBalancing = "round_robin") {
  const servers = new FakeServers();
  const clock = manualClock();
  const endpoints = new Endpoints({
    shards: shards.map((hosts) => hosts.map(urlOf)),
    loadBalancing,
    connection: connectionOptions(servers),
    now: clock.now,
  });
  /** Inserts a batch whose key (and deduplication token) is `key`. */
  const insert = (key: string) =>
    endpoints.insert(TABLE, ROWS, ACTION, { insert_deduplication_token: key }, undefined, key);
  const stats = (host: string) => endpoints.stats().find((s) => s.url === urlOf(host))!;
  return { servers, clock, endpoints, insert, stats };
}

Deno.test("Endpoints with one URL is one connection: errors unchanged, nothing held", async () => {
  const { servers, endpoints, insert } = setup([["a"]]);
  assert.equal(endpoints.size, 1);
  await insert("k1");
  servers.answer("a", "timeout");
  const error = await rejection(insert("k2"));
  assert.ok(error instanceof TuskClickHouseError, `got ${error}`);
  assert.equal(error.message, `${ACTION}: request timed out`);
  assert.equal(endpoints.heldUntil("k2"), undefined);
});

Deno.test("Endpoints with a list of URLs fails over within the one shard, and holds nothing", async () => {
  const { servers, endpoints, insert, stats } = setup([["a", "b"]]);
  assert.equal(endpoints.size, 2);
  servers.answer("a", "timeout");
  await insert("k1");
  assert.deepEqual(servers.insertHosts(), ["a", "b"]);
  assert.equal(stats("a").state, "down");
  servers.answer("b", "timeout");
  const error = await rejection(insert("k2"));
  assert.ok(error instanceof TuskClickHouseError, `got ${error}`);
  assert.equal(error.kind, "timeout");
  assert.equal(endpoints.heldUntil("k2"), undefined, "one shard: any endpoint may take the retry");
});

Deno.test("Endpoints.insert() spreads batches over the shards, each in turn", async () => {
  const { servers, insert } = setup([["a1", "a2"], ["b1", "b2"]]);
  for (let i = 0; i < 4; i++) await insert(`k${i}`);
  const shardOf = (h: string) => h[0];
  assert.deepEqual(servers.insertHosts().map(shardOf), ["a", "b", "a", "b"]);
});

Deno.test("Endpoints.insert() moves a batch a whole shard refused to the next shard", async () => {
  const { servers, endpoints, insert, stats } = setup([["a"], ["b"]]);
  servers.answer("a", "refused");
  await insert("k1");
  assert.deepEqual(servers.insertHosts(), ["a", "b"]);
  assert.equal(endpoints.heldUntil("k1"), undefined, "not held: surely not stored on a");
  assert.equal(stats("a").state, "down");
  await insert("k2");
  await insert("k3");
  assert.deepEqual(servers.insertHosts().slice(2), ["b", "b"], "new batches skip the shard");
});

Deno.test("Endpoints.insert() moves a batch every replica of a shard refused as read-only", async () => {
  const { servers, insert } = setup([["a1", "a2"], ["b1"]]);
  servers.answer("a1", "read_only");
  servers.answer("a2", "read_only");
  await insert("k1");
  assert.deepEqual(servers.insertHosts(), ["a1", "a2", "b1"]);
});

Deno.test("Endpoints.insert() keeps a batch whose answer was lost with its shard", async (t) => {
  await t.step("the insert fails; the batch is held until the shard's next probe", async () => {
    const { servers, endpoints, insert, stats } = setup([["a"], ["b"]]);
    servers.answer("a", "timeout");
    const error = await rejection(insert("k1"));
    assert.ok(error instanceof TuskClickHouseError, `got ${error}`);
    assert.equal(error.kind, "timeout");
    assert.deepEqual(servers.insertHosts(), ["a"], "not sent to the other shard");
    const due = Date.parse(stats("a").downUntil!);
    assert.equal(endpoints.heldUntil("k1"), due);
    assert.equal(endpoints.heldUntil("other"), undefined, "a batch never sent is not held");
  });
  await t.step("other batches go to the other shard meanwhile", async () => {
    const { servers, insert } = setup([["a"], ["b"]]);
    servers.answer("a", "timeout");
    await rejection(insert("k1"));
    await insert("k2");
    await insert("k3");
    assert.deepEqual(servers.insertHosts(), ["a", "b", "b"]);
  });
  await t.step("its retry goes to the same shard, same body and token", async () => {
    const { servers, endpoints, clock, insert, stats } = setup([["a"], ["b"]]);
    servers.answer("a", "timeout");
    await rejection(insert("k1"));
    servers.answer("a", "ok");
    clock.ms = Date.parse(stats("a").downUntil!);
    await insert("k1");
    const toA = servers.inserts("a");
    assert.equal(toA.length, 2);
    assert.equal(servers.inserts("b").length, 0);
    assert.equal(toA[1]!.body, toA[0]!.body);
    assert.deepEqual(toA.map((r) => r.token), ["k1", "k1"]);
    assert.equal(
      servers.pings().length,
      0,
      "a shard of one endpoint is not probed: the retry tells",
    );
    assert.equal(endpoints.heldUntil("k1"), undefined, "delivered: no longer held");
  });
  await t.step("a retry while the shard is still down fails again and stays held", async () => {
    const { servers, endpoints, clock, insert, stats } = setup([["a"], ["b"]]);
    servers.answer("a", "timeout");
    await rejection(insert("k1"));
    servers.answer("a", "refused");
    clock.ms = Date.parse(stats("a").downUntil!);
    const error = await rejection(insert("k1"));
    assert.ok(error instanceof TuskClickHouseError, `got ${error}`);
    assert.equal(servers.inserts("b").length, 0, "never moved to the other shard");
    const due = endpoints.heldUntil("k1");
    assert.ok(due !== undefined && due > clock.ms, `held until ${due}`);
  });
  await t.step("a reset connection is held the same way", async () => {
    const { servers, endpoints, insert } = setup([["a"], ["b"]]);
    servers.answer("a", "reset");
    await rejection(insert("k1"));
    assert.notEqual(endpoints.heldUntil("k1"), undefined);
  });
  await t.step("a replica of the shard that is up takes the held batch", async () => {
    const { servers, endpoints, clock, insert } = setup([["a1", "a2"], ["b"]]);
    servers.answer("a1", "timeout");
    servers.answer("a2", "refused");
    await rejection(insert("k1"));
    assert.notEqual(endpoints.heldUntil("k1"), undefined);
    servers.answer("a2", "ok");
    clock.ms = Math.max(...endpoints.stats().map((s) => Date.parse(s.downUntil ?? "0")));
    await insert("k1"); // a1 (if tried first) still times out; a2's probe answers
    assert.ok(servers.pings().some((r) => r.host === "a2"), "a2 was probed");
    assert.equal(servers.inserts("a2").length, 2);
    assert.equal(servers.inserts("b").length, 0);
    assert.equal(endpoints.heldUntil("k1"), undefined);
  });
});

Deno.test("Endpoints.insert() gives up a batch the rows are at fault for, on the shard that refused it", async () => {
  const { servers, insert } = setup([["a"], ["b"]]);
  servers.answer("a", "bad_row");
  const error = await rejection(insert("k1"));
  assert.ok(error instanceof TuskClickHouseError, `got ${error}`);
  assert.equal(error.kind, "data");
  assert.deepEqual(servers.insertHosts(), ["a"]);
});

Deno.test("Endpoints.insert() reports a table no replica of the shard has, without retrying", async () => {
  const { servers, insert } = setup([["a1", "a2"]]);
  servers.answer("a1", "no_table");
  servers.answer("a2", "no_table");
  const error = await rejection(insert("k1"));
  assert.ok(error instanceof TuskClickHouseError, `got ${error}`);
  assert.equal(error.code, 60);
  assert.equal(error.retryable, false);
  assert.deepEqual(servers.insertHosts(), ["a1", "a2"]);
});

Deno.test("Endpoints.select() runs on any endpoint, the next when one is down", async () => {
  const { servers, endpoints } = setup([["a"], ["b"]], "in_order");
  servers.answer("a", "refused");
  const rows = await endpoints.select<unknown>("SELECT 1", "Cannot read");
  assert.deepEqual(rows, []);
  assert.deepEqual(
    servers.received.map((r) => r.host),
    ["a", "b"],
  );
});

Deno.test("Endpoints.stats() shows each endpoint's requests, failures and state", async () => {
  const { servers, endpoints, insert } = setup([["a1", "a2"], ["b1"]], "in_order");
  servers.answer("a1", "refused");
  await insert("k1"); // a1 refused, a2 took it
  await insert("k2"); // b1
  const stats = endpoints.stats();
  assert.deepEqual(stats.map((s) => [s.url, s.shard]), [
    [urlOf("a1"), 0],
    [urlOf("a2"), 0],
    [urlOf("b1"), 1],
  ]);
  const [a1, a2, b1] = stats;
  assert.equal(a1!.state, "down");
  assert.equal(a1!.requests, 1);
  assert.equal(a1!.failures, 1);
  assert.equal(a1!.failuresInRow, 1);
  assert.match(a1!.downUntil ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.match(a1!.lastError ?? "", /network error/);
  assert.deepEqual(a2, {
    url: urlOf("a2"),
    shard: 0,
    state: "up",
    requests: 1,
    failures: 0,
    failuresInRow: 0,
  });
  assert.equal(b1!.requests, 1);
  assert.equal(b1!.state, "up");
});

Deno.test("Endpoints reports an endpoint going down once per outage, naming it and why", async () => {
  const servers = new FakeServers();
  const clock = manualClock();
  const reports: Error[] = [];
  const endpoints = new Endpoints({
    shards: [[urlOf("a"), urlOf("b")]],
    loadBalancing: "in_order",
    connection: { ...connectionOptions(servers), report: (e) => reports.push(e) },
    now: clock.now,
  });
  const insert = () => endpoints.insert(TABLE, ROWS, ACTION);
  servers.answer("a", "refused");
  await insert();
  await insert(); // "a" rests: not tried, not reported again
  assert.equal(reports.length, 1);
  assert.match(reports[0]!.message, /^ClickHouse endpoint http:\/\/a:8123 is down \(/);
  assert.match(reports[0]!.message, /requests go to the other endpoints/);
  servers.answer("a", "ok");
  clock.ms += 60_000;
  await insert(); // probed, back up
  servers.answer("a", "refused");
  await insert();
  assert.equal(reports.length, 2, "a new outage is reported again");
});

Deno.test("Endpoints with one URL reports nothing of its own: the writer reports its failures", async () => {
  const servers = new FakeServers();
  const reports: Error[] = [];
  const endpoints = new Endpoints({
    shards: [[urlOf("a")]],
    loadBalancing: "round_robin",
    connection: { ...connectionOptions(servers), report: (e) => reports.push(e) },
    now: manualClock().now,
  });
  servers.answer("a", "refused");
  await rejection(endpoints.insert(TABLE, ROWS, ACTION));
  assert.deepEqual(reports, []);
});

Deno.test("Endpoints.insert() passes a batch on from a shard that lacks the table to one that has it", async () => {
  const { servers, insert } = setup([["a1", "a2"], ["b1", "b2"]], "in_order");
  servers.answer("a1", "no_table");
  servers.answer("a2", "no_table");
  await insert("k1");
  assert.deepEqual(servers.insertHosts(), ["a1", "a2", "b1"]);
});

Deno.test("Endpoints.insert() tells a failed probe as the insert's failure, naming the endpoint", async () => {
  const { servers, clock, insert } = setup([["a", "b"]], "in_order");
  servers.answer("a", "refused");
  servers.answer("b", "refused");
  await rejection(insert("k1")); // both rest now
  clock.ms += 60_000; // both due: each is probed, and neither answers
  const error = await rejection(insert("k2"));
  assert.ok(error instanceof TuskClickHouseError, `got ${error}`);
  assert.match(error.message, /^Cannot insert into "db\.t": no answer to \/ping \(/);
  assert.match(error.message, /\[at http:\/\/b:8123; also failed: http:\/\/a:8123 \(no answer/);
  assert.equal(error.retryable, true);
});
