import assert from "node:assert/strict";
import { logsTableDdl as fromLogging } from "../../src/logging/mod.ts";
import { logsTableDdl } from "../../src/tables/mod.ts";

const OLD = [
  "CREATE TABLE IF NOT EXISTS `maintenance`.`logs`",
  "(",
  "    `category` String,",
  "    `host` String,",
  "    `app` String,",
  "    `datetime` DateTime,",
  "    `level` Int8,",
  "    `logger` String,",
  "    `line` UInt32,",
  "    `error` String,",
  "    `message` String,",
  "    `stacktrace` String",
  ")",
  "ENGINE = MergeTree()",
  "ORDER BY (`category`, `host`, `app`, `datetime`, `level`, `logger`, `line`, `error`)",
].join("\n");

Deno.test("logsTableDdl() gives 18.x DateTime and String, without TTL", () => {
  assert.equal(logsTableDdl("maintenance.logs", { server: { version: "18.16.1" } }), OLD);
  assert.equal(logsTableDdl("maintenance.logs", { modern: false }), OLD, "modern: false is 18.x");
});

Deno.test("logsTableDdl() gives modern servers DateTime64(3), LowCardinality and a 7-day TTL", () => {
  assert.equal(
    logsTableDdl("maintenance.logs", { server: { version: "26.7.2.1" } }),
    [
      "CREATE TABLE IF NOT EXISTS `maintenance`.`logs`",
      "(",
      "    `category` LowCardinality(String),",
      "    `host` LowCardinality(String),",
      "    `app` LowCardinality(String),",
      "    `datetime` DateTime64(3),",
      "    `level` Int8,",
      "    `logger` LowCardinality(String),",
      "    `line` UInt32,",
      "    `error` String,",
      "    `message` String,",
      "    `stacktrace` String",
      ")",
      "ENGINE = MergeTree()",
      "ORDER BY (`category`, `host`, `app`, `datetime`, `level`, `logger`, `line`, `error`)",
      "TTL toDateTime(`datetime`) + INTERVAL 7 DAY DELETE",
    ].join("\n"),
  );
});

Deno.test("logsTableDdl() lets server win over modern, and follows ttlDays and column names", () => {
  assert.equal(
    logsTableDdl("maintenance.logs", { modern: true, server: { version: "18.16.1" } }),
    OLD,
  );
  const ddl = logsTableDdl("logs", { ttlDays: 30, columns: { app: null, message: "text" } });
  assert.match(ddl, /^CREATE TABLE IF NOT EXISTS `logs`\n/);
  assert.doesNotMatch(ddl, /`app`/);
  assert.match(ddl, /`text` String/);
  assert.match(ddl, /INTERVAL 30 DAY/);
  assert.throws(() => logsTableDdl("logs", { ttlDays: -7 }), RangeError);
});

Deno.test("logsTableDdl() is still exported from ./logging", () => {
  assert.equal(fromLogging, logsTableDdl);
});
