import assert from "node:assert/strict";
import { metricTableDdl } from "../../src/tables/mod.ts";

const COLUMNS = { region: "String", instance_id: "String", usage: "Float64" };

Deno.test("metricTableDdl() adds the time column for the server and orders by orderBy", () => {
  const ddl = (version: string) =>
    metricTableDdl("system.cpu", {
      columns: COLUMNS,
      orderBy: ["region", "datetime"],
      server: { version },
    });
  const expected = (time: string) =>
    [
      "CREATE TABLE IF NOT EXISTS `system`.`cpu`",
      "(",
      "    `region` String,",
      "    `instance_id` String,",
      "    `usage` Float64,",
      `    \`datetime\` ${time}`,
      ")",
      "ENGINE = MergeTree()",
      "ORDER BY (`region`, `datetime`)",
    ].join("\n");
  assert.equal(ddl("18.16.1"), expected("DateTime"));
  assert.equal(ddl("26.7.2.1"), expected("DateTime64(3)"));
});

Deno.test("metricTableDdl() keeps a time column the list has, orders by time by default, takes a TTL", () => {
  const ddl = metricTableDdl("m", {
    columns: { at: "DateTime", v: "UInt8" },
    timeColumn: "at",
    ttlDays: 3,
  });
  assert.match(ddl, /`at` DateTime,\n {4}`v` UInt8\n\)/);
  assert.match(ddl, /ORDER BY \(`at`\)\nTTL toDateTime\(`at`\) \+ INTERVAL 3 DAY DELETE$/);
  assert.throws(() => metricTableDdl("m", { columns: {} }), TypeError);
});
