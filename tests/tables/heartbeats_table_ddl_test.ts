import assert from "node:assert/strict";
import { Table } from "../../src/table.ts";
import { heartbeatsTableDdl } from "../../src/tables/mod.ts";

Deno.test("heartbeatsTableDdl() gives 18.x DateTime and String, without TTL", () => {
  assert.equal(
    heartbeatsTableDdl("maintenance.heartbeats", { server: { version: "18.16.1" } }),
    [
      "CREATE TABLE IF NOT EXISTS `maintenance`.`heartbeats`",
      "(",
      "    `app` String,",
      "    `datetime` DateTime,",
      "    `task` String,",
      "    `sequence` UInt32,",
      "    `expiry` DateTime",
      ")",
      "ENGINE = MergeTree()",
      "ORDER BY (`app`, `datetime`, `task`, `sequence`)",
    ].join("\n"),
  );
});

Deno.test("heartbeatsTableDdl() gives modern servers DateTime64(3), LowCardinality and a 28-day TTL", () => {
  const modern = [
    "CREATE TABLE IF NOT EXISTS `maintenance`.`heartbeats`",
    "(",
    "    `app` LowCardinality(String),",
    "    `datetime` DateTime64(3),",
    "    `task` LowCardinality(String),",
    "    `sequence` UInt32,",
    "    `expiry` DateTime64(3)",
    ")",
    "ENGINE = MergeTree()",
    "ORDER BY (`app`, `datetime`, `task`, `sequence`)",
    "TTL toDateTime(`datetime`) + INTERVAL 28 DAY DELETE",
  ].join("\n");
  assert.equal(
    heartbeatsTableDdl("maintenance.heartbeats", { server: { version: "26.7.2.1" } }),
    modern,
  );
  assert.equal(heartbeatsTableDdl("maintenance.heartbeats"), modern, "no server: the newest");
});

Deno.test("heartbeatsTableDdl() takes TTL and LowCardinality from 19.6 and DateTime64 from 20.1", async (t) => {
  await t.step("19.5: neither", () => {
    const ddl = heartbeatsTableDdl("h", { server: { version: "19.5.4.22" } });
    assert.doesNotMatch(ddl, /TTL|LowCardinality|DateTime64/);
  });
  await t.step("19.6: TTL and LowCardinality, DateTime", () => {
    const ddl = heartbeatsTableDdl("h", { server: { version: "19.6.2.11" } });
    assert.match(ddl, /TTL/);
    assert.match(ddl, /LowCardinality/);
    assert.doesNotMatch(ddl, /DateTime64/);
  });
  await t.step("20.1: DateTime64(3)", () => {
    assert.match(heartbeatsTableDdl("h", { server: { version: "20.1.2.4" } }), /DateTime64\(3\)/);
  });
});

Deno.test("heartbeatsTableDdl() follows ttlDays, column names and the Table's time column", () => {
  const ddl = heartbeatsTableDdl(
    new Table({ database: "ops", tableName: "beats", timeColumn: "ts" }),
    { ttlDays: 0, columns: { app: "service", sequence: null, expiry: "due" } },
  );
  assert.equal(
    ddl,
    [
      "CREATE TABLE IF NOT EXISTS `ops`.`beats`",
      "(",
      "    `service` LowCardinality(String),",
      "    `ts` DateTime64(3),",
      "    `task` LowCardinality(String),",
      "    `due` DateTime64(3)",
      ")",
      "ENGINE = MergeTree()",
      "ORDER BY (`service`, `ts`, `task`)",
    ].join("\n"),
  );
});

Deno.test("heartbeatsTableDdl() rejects a bad ttlDays or table name", () => {
  assert.throws(() => heartbeatsTableDdl("h", { ttlDays: -1 }), RangeError);
  assert.throws(() => heartbeatsTableDdl("h", { ttlDays: 1.5 }), RangeError);
  assert.throws(() => heartbeatsTableDdl("a.b.c"), TypeError);
  assert.throws(() => heartbeatsTableDdl(""), TypeError);
});
