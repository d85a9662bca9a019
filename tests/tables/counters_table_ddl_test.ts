import assert from "node:assert/strict";
import { countersTableDdl, type CountersTableOptions } from "../../src/tables/mod.ts";

const TAGS = { resource_id: "String", requester_ip: "String" };

Deno.test("countersTableDdl() sums per tag set and hour in a SummingMergeTree, on every server", () => {
  const expected = [
    "CREATE TABLE IF NOT EXISTS `download`.`quota_usage`",
    "(",
    "    `resource_id` String,",
    "    `requester_ip` String,",
    "    `datetime` DateTime,",
    "    `count` UInt64",
    ")",
    "ENGINE = SummingMergeTree(`count`)",
    "ORDER BY (`resource_id`, `requester_ip`, toStartOfHour(`datetime`))",
  ].join("\n");
  for (const version of ["18.16.1", "26.7.2.1"]) {
    assert.equal(
      countersTableDdl("download.quota_usage", { columns: TAGS, server: { version } }),
      expected,
      version,
    );
  }
});

Deno.test("countersTableDdl() follows bucket, names and ttlDays (TTL from 19.6)", () => {
  const options = {
    columns: { region: "LowCardinality(String)" },
    countColumn: "hits",
    timeColumn: "ts",
    bucket: "minute",
    ttlDays: 30,
  } as const;
  const ddl = countersTableDdl("hits", options);
  assert.match(ddl, /ENGINE = SummingMergeTree\(`hits`\)/);
  assert.match(ddl, /ORDER BY \(`region`, toStartOfMinute\(`ts`\)\)/);
  assert.match(ddl, /TTL toDateTime\(`ts`\) \+ INTERVAL 30 DAY DELETE$/);
  assert.doesNotMatch(
    countersTableDdl("hits", { ...options, server: { version: "18.16.1" } }),
    /TTL/,
  );
  assert.match(countersTableDdl("hits", { columns: TAGS, bucket: "day" }), /toDate\(`datetime`\)/);
});

Deno.test("countersTableDdl() needs tag columns", () => {
  assert.throws(() => countersTableDdl("q", { columns: {} }), TypeError);
  assert.throws(() => countersTableDdl("q", {} as CountersTableOptions), TypeError);
});
