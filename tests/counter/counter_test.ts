import assert from "node:assert/strict";
import * as tusk from "../../mod.ts";
import { counter, type CounterOptions } from "../../src/counter/mod.ts";
import { uniqueClient } from "../_helpers/for_each_engine.ts";
import { FakeQuotaTable } from "./_fake_clickhouse.ts";

const START = Date.UTC(2022, 2, 10, 6, 42, 33, 411);

function setup(columns?: ReadonlyArray<readonly [string, string]>) {
  const server = new FakeQuotaTable(columns);
  const clock = new tusk.FakeClock(START);
  const clientName = uniqueClient("counter");
  const errors: Error[] = [];
  tusk.init({
    url: "http://fake:8123",
    clientName,
    fetch: server.fetch,
    clock,
    onError: (error) => errors.push(error),
  });
  return { server, clock, clientName, errors };
}

Deno.test("Counter.count() never touches the network and never awaits", async () => {
  const { server, clientName } = setup();
  try {
    const quota = counter({ table: "download.quota_usage", clientName });
    await quota.ready();
    const before = server.requests.length;
    for (let i = 0; i < 10_000; i++) {
      const result: unknown = quota.count({ resource_id: `R${i % 500}`, requester_ip: "1.2.3.4" });
      assert.equal(result, undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(server.requests.length, before, "no request from count()");
    await quota.flush();
    assert.equal(server.lines.length, 500);
  } finally {
    await tusk.close();
  }
});

Deno.test("Counter.count() sums per tag set whatever the key order", async () => {
  const { server, clientName } = setup();
  try {
    const quota = counter({ table: "download.quota_usage", clientName });
    quota.count({ resource_id: "ABC111", requester_ip: "1.2.3.4" });
    quota.count({ requester_ip: "1.2.3.4", resource_id: "ABC111" }, 4);
    quota.count({ resource_id: "x&requester_ip=y" });
    quota.count({ resource_id: "x", requester_ip: "y" });
    await quota.flush();
    assert.deepEqual(server.sums(), {
      "requester_ip=1.2.3.4,resource_id=ABC111": "5",
      "resource_id=x&requester_ip=y": "1",
      "requester_ip=y,resource_id=x": "1",
    });
  } finally {
    await tusk.close();
  }
});

Deno.test("Counter.count() copies the tags and never changes them", async () => {
  const { server, clientName } = setup();
  try {
    const quota = counter({ table: "download.quota_usage", clientName });
    const tags = { resource_id: "ABC111", requester_ip: "1.2.3.4" };
    quota.count(Object.freeze({ ...tags }));
    quota.count(tags, 2);
    tags.resource_id = "changed";
    assert.deepEqual(Object.keys(tags), ["resource_id", "requester_ip"]);
    await quota.flush();
    assert.deepEqual(server.sums(), { "requester_ip=1.2.3.4,resource_id=ABC111": "3" });
  } finally {
    await tusk.close();
  }
});

Deno.test("Counter.count() sums exactly past 2^53 with bigints", async () => {
  const { server, clientName } = setup();
  try {
    const quota = counter({ table: "download.quota_usage", clientName });
    const tags = { resource_id: "big" };
    quota.count(tags, Number.MAX_SAFE_INTEGER);
    quota.count(tags, Number.MAX_SAFE_INTEGER);
    quota.count(tags, 3);
    quota.count(tags, 2n ** 62n);
    await quota.flush();
    assert.deepEqual(server.sums(), {
      "resource_id=big": String(2n * BigInt(Number.MAX_SAFE_INTEGER) + 3n + 2n ** 62n),
    });
    assert.throws(() => quota.count(tags, 2 ** 60), RangeError);
    assert.throws(() => quota.count(tags, 0.5), RangeError);
    assert.throws(() => quota.count(tags, "1" as never), TypeError);
  } finally {
    await tusk.close();
  }
});

Deno.test("Counter.count() checks tags against the schema once it is known", async (t) => {
  const { clientName } = setup();
  try {
    const quota = counter({ table: "download.quota_usage", clientName });
    await quota.ready();
    await t.step("an unknown tag key", () => {
      assert.throws(() => quota.count({ resource: "ABC111" }), (e: unknown) => {
        assert.ok(e instanceof tusk.TuskValidationError);
        assert.equal(e.column, "resource");
        assert.match(
          e.message,
          /^Cannot write to "download\.quota_usage": column "resource": no such column/,
        );
        return true;
      });
    });
    await t.step("a value its column cannot store", () => {
      assert.throws(() => quota.count({ resource_id: 42 }), tusk.TuskValidationError);
    });
    await t.step("the count column as a tag", () => {
      assert.throws(() => quota.count({ count: 1 }), /count column; it cannot also be a tag/);
    });
    await t.step("a negative increment for an unsigned count column", () => {
      assert.throws(() => quota.count({ resource_id: "a" }, -1), /count column is unsigned/);
    });
  } finally {
    await tusk.close();
  }
});

Deno.test("Counter.count() takes negative increments for a signed count column", async () => {
  const { server, clientName } = setup([["tag", "String"], ["at", "DateTime"], ["delta", "Int32"]]);
  try {
    const stock = counter({ table: "db.stock", clientName });
    await stock.ready();
    stock.count({ tag: "a" }, 5);
    stock.count({ tag: "a" }, -7);
    await stock.flush();
    assert.deepEqual(server.sums("delta"), { "at=1646894553,tag=a": "-2" });
  } finally {
    await tusk.close();
  }
});

Deno.test("Counter writes one row per tag set per period, at the period's end", async () => {
  const { server, clock, clientName } = setup();
  try {
    const quota = counter({ table: "download.quota_usage", clientName });
    await quota.ready();
    quota.count({ resource_id: "A" });
    await clock.tick(10_000);
    quota.count({ resource_id: "A" }, 2);
    await clock.tick(5_000); // the period ends: rows go to the table's batch
    assert.equal(server.lines.length, 0, "rows wait for the batching period");
    quota.count({ resource_id: "A" }, 4);
    quota.count({ resource_id: "B" });
    await clock.tick(15_000);
    await quota.flush();
    const rows = server.rows();
    assert.deepEqual(rows, [
      { resource_id: "A", count: 3, datetime: (START + 15_000 - 411) / 1000 },
      { resource_id: "A", count: 4, datetime: (START + 30_000 - 411) / 1000 },
      { resource_id: "B", count: 1, datetime: (START + 30_000 - 411) / 1000 },
    ]);
    await clock.tick(15_000); // nothing counted: the timer stops
    assert.equal(clock.pendingTimers, 0);
  } finally {
    await tusk.close();
  }
});

Deno.test("Counter keeps at most maxTagSets tag sets per period and counts the overflow", async () => {
  const { server, clock, clientName, errors } = setup();
  try {
    const quota = counter({ table: "download.quota_usage", clientName, maxTagSets: 2 });
    await quota.ready();
    for (const id of ["A", "B", "C", "A", "D", "B"]) quota.count({ resource_id: id });
    const stats = () => tusk.stats()[`${clientName}/download.quota_usage`]!;
    assert.deepEqual(stats().dropped, { counter_overflow: 2 });
    assert.equal(stats().pending, 2, "two tag sets wait");
    assert.equal(errors.length, 1, "reported once per period");
    assert.match(errors[0]!.message, /2 distinct tag sets are waiting for this period/);
    await clock.tick(15_000);
    quota.count({ resource_id: "C" }); // a new period has room again
    await quota.flush();
    assert.deepEqual(server.sums(), {
      "resource_id=A": "2",
      "resource_id=B": "2",
      "resource_id=C": "1",
    });
  } finally {
    await tusk.close();
  }
});

Deno.test("Counter tag sets counted before the schema is known are checked when it arrives", async () => {
  const server = new FakeQuotaTable();
  const clientName = uniqueClient("early");
  const errors: Error[] = [];
  const quota = counter({ table: "download.quota_usage", clientName }); // before init
  quota.count({ resource_id: "ok" }, 2);
  quota.count({ resource: "typo" });
  assert.equal(server.requests.length, 0);
  tusk.init({
    url: "http://fake:8123",
    clientName,
    fetch: server.fetch,
    onError: (e) => errors.push(e),
  });
  try {
    await tusk.flush();
    assert.deepEqual(server.sums(), { "resource_id=ok": "2" });
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof tusk.TuskValidationError);
    assert.deepEqual(tusk.stats()[`${clientName}/download.quota_usage`]?.dropped, {
      invalid: 1,
    });
  } finally {
    await tusk.close();
  }
});

Deno.test("tusk.close() writes the pending sums and stops the counter's timer", async () => {
  const { server, clock, clientName } = setup();
  const quota = counter({ table: "download.quota_usage", clientName, countPeriod: 1 });
  quota.count({ resource_id: "A" }, 7);
  assert.ok(clock.pendingTimers > 0);
  await tusk.close();
  assert.equal(clock.pendingTimers, 0);
  assert.deepEqual(server.sums(), { "resource_id=A": "7" });
});

Deno.test("counter() names each bad option", () => {
  assert.throws(() => counter({ table: "" }), /Cannot create a counter: option "table"/);
  assert.throws(() => counter({ table: "t", countPeriod: 0 }), /option "countPeriod"/);
  assert.throws(() => counter({ table: "t", maxTagSets: 1.5 }), /option "maxTagSets"/);
  assert.throws(() => counter({ table: "t", colour: 1 } as never), /option "colour": unknown key/);
  assert.throws(() => counter({ table: "a.b.c" }), TypeError);
});

Deno.test("counter() takes createTable as { columns, bucket?, ttlDays? } with at least one tag column", () => {
  const bad: unknown[] = [
    true,
    {},
    { columns: {} },
    { columns: { resource_id: "" } },
    { columns: { resource_id: "String" }, bucket: "week" },
    { columns: { resource_id: "String" }, ttlDays: -1 },
    { columns: { resource_id: "String" }, typo: 1 },
  ];
  for (const createTable of bad) {
    assert.throws(
      () => counter({ table: "download.quota_usage", createTable } as unknown as CounterOptions),
      (e: unknown) =>
        e instanceof TypeError && /^Cannot create a counter: .*createTable/.test(e.message),
      JSON.stringify(createTable),
    );
  }
  const { clientName } = setup();
  const quota = counter({
    table: "download.quota_usage",
    clientName,
    createTable: { columns: { resource_id: "String" }, bucket: "day", ttlDays: 30 },
  });
  assert.equal(quota.table.tableName, "quota_usage");
});
