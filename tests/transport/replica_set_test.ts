import assert from "node:assert/strict";
import { TuskClickHouseError } from "../../src/errors.ts";
import type { Connection } from "../../src/transport/connection.ts";
import { Endpoint } from "../../src/transport/endpoint.ts";
import { type LoadBalancing, ReplicaSet, SetFailed } from "../../src/transport/replica_set.ts";
import {
  ACTION,
  type Answer,
  FakeServers,
  manualClock,
  rejection,
  TABLE,
} from "./_fake_servers.ts";

const ROWS = '{"n":1}\n{"n":2}\n';
const TOKEN = "batch-1";

function setup(hosts: string[], policy: LoadBalancing = "in_order") {
  const servers = new FakeServers();
  const clock = manualClock();
  const endpoints = hosts.map((h) => new Endpoint(servers.connection(h), 0, clock.now));
  const set = new ReplicaSet(endpoints, policy);
  /** Inserts the rows, with the batch's deduplication token. */
  const insert = (rows = ROWS, token = TOKEN) =>
    set.run(
      (c: Connection) => c.insert(TABLE, rows, ACTION, { insert_deduplication_token: token }),
      ACTION,
    );
  const state = (i: number) => endpoints[i]!.stats().state;
  return { servers, clock, endpoints, set, insert, state };
}

Deno.test("ReplicaSet.run() sends to one endpoint when it answers", async () => {
  const { servers, insert } = setup(["a", "b"]);
  await insert();
  assert.deepEqual(servers.insertHosts(), ["a"]);
  assert.equal(servers.pings().length, 0, "an endpoint that is up is not probed");
});

Deno.test("ReplicaSet.run() moves a request that failed for the endpoint's sake to the next at once", async (t) => {
  const cases: [string, Answer][] = [
    ["a refused connection", "refused"],
    ["a reset connection", "reset"],
    ["a timeout", "timeout"],
    ["HTTP 503", "unavailable"],
    ["a read-only replica (code 242, 18.16's text)", "read_only"],
  ];
  for (const [what, answer] of cases) {
    await t.step(what, async () => {
      const { servers, insert, state } = setup(["a", "b"]);
      servers.answer("a", answer);
      await insert();
      assert.deepEqual(servers.insertHosts(), ["a", "b"]);
      assert.equal(state(0), "down", "the failed endpoint rests");
      assert.equal(state(1), "up");
    });
  }
});

Deno.test("ReplicaSet.run() fails over with the same body and the same deduplication token", async () => {
  const { servers, insert } = setup(["a", "b", "c"]);
  servers.answer("a", "timeout");
  servers.answer("b", "reset");
  await insert();
  const sent = servers.inserts();
  assert.deepEqual(sent.map((r) => r.host), ["a", "b", "c"]);
  // client-web trims the statement's last newline.
  assert.equal(sent[0]!.body, `INSERT INTO ${TABLE} FORMAT JSONEachRow\n${ROWS.trimEnd()}`);
  for (const attempt of sent) {
    assert.equal(attempt.body, sent[0]!.body, `${attempt.host} got the same body`);
    assert.equal(attempt.token, TOKEN, `${attempt.host} got the same token`);
  }
});

Deno.test("ReplicaSet.run() does not fail over an error that is the request's fault", async (t) => {
  const cases: [string, Answer, string][] = [
    ["a bad row (27)", "bad_row", "data"],
    ["wrong credentials (516)", "auth", "auth"],
  ];
  for (const [what, answer, kind] of cases) {
    await t.step(what, async () => {
      const { servers, insert, state, endpoints } = setup(["a", "b"]);
      servers.answer("a", answer);
      const error = await rejection(insert());
      assert.ok(error instanceof TuskClickHouseError, `got ${error}`);
      assert.equal(error.kind, kind);
      assert.equal(error.retryable, false);
      assert.match(error.message, /\[at http:\/\/a:8123\]$/, "names the endpoint");
      assert.deepEqual(servers.insertHosts(), ["a"], "no other endpoint is tried");
      assert.equal(state(0), "up", "the endpoint is not to blame");
      assert.equal(endpoints[0]!.stats().failures, 1);
    });
  }
});

Deno.test("ReplicaSet.run() tries each endpoint once when the table is missing on every one", async () => {
  const { servers, insert, endpoints } = setup(["a", "b", "c"]);
  for (const h of ["a", "b", "c"]) servers.answer(h, "no_table");
  const failed = await rejection(insert());
  assert.ok(failed instanceof SetFailed, `got ${failed}`);
  assert.equal(failed.mayHaveBeenStored, false);
  const error = failed.error;
  assert.equal(error.code, 60);
  assert.equal(error.retryable, false);
  assert.match(error.message, /^Cannot insert into "db\.t": Table db\.t does not exist\. \[at /);
  assert.match(error.message, /also failed: /, "names the others tried");
  assert.deepEqual(servers.insertHosts().sort(), ["a", "b", "c"]);
  for (const e of endpoints) assert.equal(e.stats().state, "up", `${e.url} is not to blame`);
});

Deno.test("ReplicaSet.run() moves on from an endpoint that lacks the table to one that has it", async () => {
  const { servers, insert, state } = setup(["a", "b"]);
  servers.answer("a", "no_table");
  await insert();
  assert.deepEqual(servers.insertHosts(), ["a", "b"]);
  assert.equal(state(0), "up");
});

Deno.test("ReplicaSet.run() throws SetFailed naming every endpoint when none took the request", async (t) => {
  await t.step("all refused: surely not stored", async () => {
    const { servers, insert, state } = setup(["a", "b"]);
    servers.answer("a", "refused");
    servers.answer("b", "refused");
    const failed = await rejection(insert());
    assert.ok(failed instanceof SetFailed, `got ${failed}`);
    assert.equal(failed.mayHaveBeenStored, false);
    assert.equal(failed.error.retryable, true);
    assert.equal(failed.error.kind, "network");
    assert.match(failed.error.message, /\[at http:\/\/b:8123; also failed: http:\/\/a:8123 \(/);
    assert.deepEqual(servers.insertHosts(), ["a", "b"], "each endpoint once");
    assert.deepEqual([state(0), state(1)], ["down", "down"]);
  });
  await t.step("one timed out: it may have been stored", async () => {
    const { servers, insert } = setup(["a", "b"]);
    servers.answer("a", "timeout");
    servers.answer("b", "refused");
    const failed = await rejection(insert());
    assert.ok(failed instanceof SetFailed, `got ${failed}`);
    assert.equal(failed.mayHaveBeenStored, true);
  });
  await t.step("one refused, the other read-only: surely not stored", async () => {
    const { servers, insert } = setup(["a", "b"]);
    servers.answer("a", "refused");
    servers.answer("b", "read_only");
    const failed = await rejection(insert());
    assert.ok(failed instanceof SetFailed, `got ${failed}`);
    assert.equal(failed.mayHaveBeenStored, false);
    assert.equal(failed.error.code, 242);
  });
});

Deno.test("ReplicaSet.run() with one endpoint sends every request as it comes, its errors unchanged", async () => {
  const { servers, insert, clock, endpoints } = setup(["a"]);
  servers.answer("a", "refused");
  const failed = await rejection(insert());
  assert.ok(failed instanceof SetFailed, `got ${failed}`);
  assert.doesNotMatch(failed.error.message, /\[at /);
  assert.equal(endpoints[0]!.stats().state, "down");
  servers.answer("a", "ok");
  assert.ok(clock.ms < endpoints[0]!.downUntil, "still resting");
  await insert();
  assert.deepEqual(servers.insertHosts(), ["a", "a"], "sent again at once");
  assert.equal(servers.pings().length, 0, "a lone endpoint is not probed");
  assert.equal(endpoints[0]!.stats().state, "up");
});

Deno.test("ReplicaSet.run() skips a resting endpoint until its rest ends, then probes it with /ping", async (t) => {
  await t.step("the probe answers: the endpoint carries requests again", async () => {
    const { servers, insert, clock, endpoints, state } = setup(["a", "b"]);
    servers.answer("a", "refused");
    await insert();
    servers.answer("a", "ok");
    await insert();
    await insert();
    assert.deepEqual(servers.insertHosts(), ["a", "b", "b", "b"], "a is skipped while resting");
    assert.equal(servers.pings().length, 0);
    clock.ms = endpoints[0]!.downUntil;
    await insert();
    assert.deepEqual(servers.insertHosts().slice(4), ["a"]);
    assert.deepEqual(
      servers.received.slice(-2).map((r) => [r.host, r.method, r.path]),
      [["a", "GET", "/ping"], ["a", "POST", "/"]],
      "probed, then given the request",
    );
    assert.equal(state(0), "up");
  });
  await t.step("the probe fails: it rests again and the request goes on", async () => {
    const { servers, insert, clock, endpoints, state } = setup(["a", "b"]);
    servers.answer("a", "refused");
    await insert();
    const firstRest = endpoints[0]!.downUntil - clock.ms;
    clock.ms = endpoints[0]!.downUntil;
    await insert();
    assert.deepEqual(servers.pings().map((r) => r.host), ["a"]);
    assert.deepEqual(servers.insertHosts(), ["a", "b", "b"], "no insert to a after its probe");
    assert.equal(state(0), "down");
    assert.ok(endpoints[0]!.downUntil - clock.ms > firstRest, "a longer rest");
  });
});

Deno.test("ReplicaSet.run() probes the endpoint whose rest ends first when every one rests", async () => {
  const { servers, insert, clock, endpoints } = setup(["a", "b"]);
  servers.answer("a", "refused");
  servers.answer("b", "refused");
  await rejection(insert());
  assert.ok(!endpoints.some((e) => e.usable));
  servers.answer("a", "ok");
  servers.answer("b", "ok");
  const first = endpoints[0]!.downUntil <= endpoints[1]!.downUntil ? "a" : "b";
  assert.ok(clock.ms < Math.min(endpoints[0]!.downUntil, endpoints[1]!.downUntil));
  await insert();
  assert.deepEqual(servers.pings().map((r) => r.host), [first]);
  assert.equal(servers.insertHosts().at(-1), first);
});

Deno.test("ReplicaSet.usable and nextDue follow the endpoints' rests", async () => {
  const { servers, insert, set, endpoints } = setup(["a", "b"]);
  assert.equal(set.usable, true);
  assert.equal(set.nextDue, 0);
  servers.answer("a", "refused");
  servers.answer("b", "refused");
  await rejection(insert());
  assert.equal(set.usable, false);
  assert.equal(set.nextDue, Math.min(endpoints[0]!.downUntil, endpoints[1]!.downUntil));
});

Deno.test("ReplicaSet's load balancing", async (t) => {
  await t.step("round_robin: each endpoint in turn", async () => {
    const { servers, insert } = setup(["a", "b", "c"], "round_robin");
    for (let i = 0; i < 6; i++) await insert();
    assert.deepEqual(servers.insertHosts(), ["a", "b", "c", "a", "b", "c"]);
  });
  await t.step("round_robin skips a resting endpoint", async () => {
    const { servers, insert } = setup(["a", "b"], "round_robin");
    servers.answer("a", "refused");
    for (let i = 0; i < 4; i++) await insert();
    assert.deepEqual(servers.insertHosts(), ["a", "b", "b", "b", "b"]);
  });
  await t.step("in_order: the first endpoint that is up", async () => {
    const { servers, insert } = setup(["a", "b", "c"], "in_order");
    for (let i = 0; i < 3; i++) await insert();
    assert.deepEqual(servers.insertHosts(), ["a", "a", "a"]);
    servers.answer("a", "refused");
    for (let i = 0; i < 2; i++) await insert();
    assert.deepEqual(servers.insertHosts().slice(3), ["a", "b", "b"]);
  });
  await t.step("random: every endpoint gets some", async () => {
    const { servers, insert } = setup(["a", "b"], "random");
    for (let i = 0; i < 60; i++) await insert();
    const hosts = servers.insertHosts();
    assert.equal(hosts.length, 60);
    assert.ok(hosts.includes("a") && hosts.includes("b"), `only ${[...new Set(hosts)]}`);
  });
});

Deno.test("ReplicaSet.run() stops trying further endpoints once its signal is aborted", async () => {
  const { servers, set } = setup(["a", "b"]);
  servers.answer("a", "refused");
  const caller = new AbortController();
  const run = set.run(
    async (c) => {
      try {
        await c.insert(TABLE, ROWS, ACTION);
      } finally {
        caller.abort();
      }
    },
    ACTION,
    caller.signal,
  );
  const failed = await rejection(run);
  assert.ok(failed instanceof SetFailed, `got ${failed}`);
  assert.deepEqual(servers.insertHosts(), ["a"]);
});

Deno.test("ReplicaSet.run() passes on an error that is not a ClickHouse error as it is", async () => {
  const { set, endpoints } = setup(["a", "b"]);
  const bug = new RangeError("a bug");
  assert.equal(
    await rejection(set.run(() => Promise.reject(bug), ACTION)),
    bug,
  );
  assert.equal(endpoints[1]!.stats().requests, 0, "no other endpoint is tried");
});
