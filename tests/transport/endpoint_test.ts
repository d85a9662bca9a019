import assert from "node:assert/strict";
import { TuskClickHouseError } from "../../src/errors.ts";
import { Endpoint, ENDPOINT_REST_MS } from "../../src/transport/endpoint.ts";
import { FakeServers, manualClock, urlOf, withRandom } from "./_fake_servers.ts";

const REFUSED = new TuskClickHouseError({
  action: 'Cannot insert into "db.t"',
  detail: "network error: fetch failed",
  status: 0,
  kind: "network",
  retryable: true,
});
const BAD_ROW = new TuskClickHouseError({
  action: 'Cannot insert into "db.t"',
  detail: "Cannot parse input",
  code: 27,
  status: 400,
  kind: "data",
  retryable: false,
});

function setup(shard = 0) {
  const servers = new FakeServers();
  const clock = manualClock();
  const endpoint = new Endpoint(servers.connection("a.invalid"), shard, clock.now);
  return { servers, clock, endpoint };
}

Deno.test("Endpoint starts up, with no figures", () => {
  const { endpoint } = setup(1);
  assert.equal(endpoint.url, urlOf("a.invalid"));
  assert.equal(endpoint.shard, 1);
  assert.equal(endpoint.usable, true);
  assert.equal(endpoint.downUntil, 0);
  assert.deepEqual(endpoint.stats(), {
    url: "http://a.invalid:8123",
    shard: 1,
    state: "up",
    requests: 0,
    failures: 0,
    failuresInRow: 0,
  });
});

Deno.test("Endpoint.sent() and failed() count requests and failures", () => {
  const { endpoint } = setup();
  endpoint.sent();
  endpoint.succeeded();
  endpoint.sent();
  endpoint.failed(BAD_ROW, false);
  const stats = endpoint.stats();
  assert.equal(stats.requests, 2);
  assert.equal(stats.failures, 1);
  assert.equal(stats.lastError, BAD_ROW.message);
});

Deno.test("Endpoint.failed() not its fault (a bad row) leaves it up", () => {
  const { endpoint } = setup();
  endpoint.failed(BAD_ROW, false);
  assert.equal(endpoint.usable, true);
  assert.equal(endpoint.stats().state, "up");
  assert.equal(endpoint.stats().failuresInRow, 0);
  assert.equal(endpoint.stats().downUntil, undefined);
});

Deno.test("Endpoint.failed() its fault sends it to rest for about 1 s, then it is usable again", async () => {
  const { endpoint, clock } = setup();
  const start = clock.ms;
  await withRandom(0.5, () => endpoint.failed(REFUSED, true));
  assert.equal(endpoint.usable, false);
  assert.equal(endpoint.downUntil, start + ENDPOINT_REST_MS.firstMs);
  const stats = endpoint.stats();
  assert.equal(stats.state, "down");
  assert.equal(stats.failuresInRow, 1);
  assert.equal(stats.downUntil, new Date(start + 1000).toISOString());
  assert.equal(stats.lastError, REFUSED.message);
  clock.ms = start + 999;
  assert.equal(endpoint.usable, false, "still resting 1 ms before its rest ends");
  clock.ms = start + 1000;
  assert.equal(endpoint.usable, true, "due for a probe once its rest ends");
  assert.equal(endpoint.stats().state, "down", "not up until the probe answers");
});

Deno.test("Endpoint's rest doubles with each failure in a row, up to 30 s", async () => {
  const { endpoint, clock } = setup();
  const rests: number[] = [];
  await withRandom(0.5, () => {
    for (let i = 0; i < 8; i++) {
      endpoint.failed(REFUSED, true);
      rests.push(endpoint.downUntil - clock.ms);
    }
  });
  assert.deepEqual(rests, [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  assert.equal(endpoint.stats().failuresInRow, 8);
});

Deno.test("Endpoint's rest has a jitter of +-20%", async (t) => {
  await t.step("the shortest", async () => {
    const { endpoint, clock } = setup();
    await withRandom(0, () => endpoint.failed(REFUSED, true));
    assert.equal(endpoint.downUntil - clock.ms, 800);
  });
  await t.step("the longest", async () => {
    const { endpoint, clock } = setup();
    await withRandom(0.999_999, () => endpoint.failed(REFUSED, true));
    assert.equal(endpoint.downUntil - clock.ms, 1200);
  });
  await t.step("spread without a stub", () => {
    const { endpoint, clock } = setup();
    const rests = new Set<number>();
    for (let i = 0; i < 50; i++) {
      endpoint.succeeded();
      endpoint.failed(REFUSED, true);
      const rest = endpoint.downUntil - clock.ms;
      assert.ok(rest >= 800 && rest <= 1200, `rest ${rest} ms`);
      rests.add(rest);
    }
    assert.ok(rests.size > 1, "the rests differ");
  });
});

Deno.test("Endpoint.succeeded() brings it back up and forgets the failures in a row", async () => {
  const { endpoint, clock } = setup();
  endpoint.failed(REFUSED, true);
  endpoint.failed(REFUSED, true);
  endpoint.succeeded();
  assert.equal(endpoint.usable, true);
  assert.equal(endpoint.downUntil, 0);
  assert.equal(endpoint.stats().state, "up");
  assert.equal(endpoint.stats().failuresInRow, 0);
  assert.equal(endpoint.stats().failures, 2, "the figures stay");
  await withRandom(0.5, () => endpoint.failed(REFUSED, true));
  assert.equal(endpoint.downUntil - clock.ms, 1000, "the next rest is the first again");
});

Deno.test("Endpoint.ready() when up answers at once, without a request", async () => {
  const { endpoint, servers } = setup();
  assert.equal(await endpoint.ready(), undefined);
  assert.equal(servers.received.length, 0);
});

Deno.test("Endpoint.ready() after a rest probes GET /ping", async (t) => {
  await t.step("Ok.: it is up again", async () => {
    const { endpoint, servers, clock } = setup();
    endpoint.failed(REFUSED, true);
    clock.ms = endpoint.downUntil;
    assert.equal(await endpoint.ready(), undefined);
    assert.deepEqual(
      servers.received.map((r) => [r.host, r.method, r.path]),
      [["a.invalid", "GET", "/ping"]],
    );
    assert.equal(endpoint.stats().state, "up");
    assert.equal(endpoint.stats().failuresInRow, 0);
  });
  await t.step("no answer: it rests again, twice as long; the probe is not a failure", async () => {
    const { endpoint, servers, clock } = setup();
    await withRandom(0.5, () => endpoint.failed(REFUSED, true));
    servers.answer("a.invalid", "refused");
    clock.ms = endpoint.downUntil;
    const why = await withRandom(0.5, () => endpoint.ready());
    assert.ok(why instanceof TuskClickHouseError, `got ${why}`);
    assert.equal(why.kind, "network");
    assert.match(why.message, /^Cannot reach http:\/\/a\.invalid:8123: /);
    assert.equal(endpoint.usable, false);
    assert.equal(endpoint.downUntil, clock.ms + 2000);
    const stats = endpoint.stats();
    assert.equal(stats.state, "down");
    assert.equal(stats.failuresInRow, 2);
    assert.equal(stats.failures, 1, "failed probes are not counted");
    assert.equal(stats.requests, 0, "nor are probes requests");
    assert.equal(stats.lastError, why.message);
  });
  await t.step("a frozen server: the probe times out", async () => {
    const { endpoint, servers, clock } = setup();
    endpoint.failed(REFUSED, true);
    servers.answer("a.invalid", "timeout");
    clock.ms = endpoint.downUntil;
    const why = await endpoint.ready();
    assert.ok(why instanceof TuskClickHouseError, `got ${why}`);
    assert.equal(why.kind, "timeout");
    assert.equal(endpoint.stats().state, "down");
  });
  await t.step("an answer other than Ok. (a 503 from a proxy) is not up", async () => {
    const { endpoint, servers, clock } = setup();
    endpoint.failed(REFUSED, true);
    servers.answer("a.invalid", "unavailable");
    clock.ms = endpoint.downUntil;
    const why = await endpoint.ready();
    assert.ok(why instanceof TuskClickHouseError, `got ${why}`);
    assert.equal(why.status, 503);
    assert.equal(endpoint.stats().state, "down");
  });
  await t.step("callers asking at once share one probe, and see it probing", async () => {
    const { endpoint, servers, clock } = setup();
    endpoint.failed(REFUSED, true);
    clock.ms = endpoint.downUntil;
    const first = endpoint.ready();
    const second = endpoint.ready();
    assert.equal(endpoint.stats().state, "probing");
    assert.equal(endpoint.usable, false, "not handed out while being probed");
    assert.deepEqual(await Promise.all([first, second]), [undefined, undefined]);
    assert.equal(servers.pings().length, 1);
    assert.equal(endpoint.stats().state, "up");
  });
});

Deno.test("Endpoint.ready() where probes are not shared (Workers): each caller probes for itself", async () => {
  const servers = new FakeServers();
  const clock = manualClock();
  const endpoint = new Endpoint(
    servers.connection("a.invalid"),
    0,
    clock.now,
    undefined,
    () => false,
  );
  endpoint.failed(REFUSED, true);
  clock.ms = endpoint.downUntil;
  assert.deepEqual(await Promise.all([endpoint.ready(), endpoint.ready()]), [undefined, undefined]);
  assert.equal(servers.pings().length, 2);
});
