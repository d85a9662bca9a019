import assert from "node:assert/strict";
import {
  countersTableDdl,
  heartbeatsTableDdl,
  logsTableDdl,
  metricTableDdl,
  splitStatements,
} from "../../src/tables/mod.ts";

Deno.test("splitStatements() gives one statement without cluster, and drops a trailing ;", () => {
  const ddl = heartbeatsTableDdl("maintenance.heartbeats");
  assert.deepEqual(splitStatements(ddl), [ddl]);
  assert.deepEqual(splitStatements(`${ddl};\n\n`), [ddl]);
  assert.deepEqual(splitStatements("  "), []);
});

Deno.test("*TableDdl() with cluster gives a Replicated* <table>_local, then a Distributed <table>, ON CLUSTER", () => {
  const ddl = heartbeatsTableDdl("maintenance.heartbeats", {
    server: { version: "18.16.1" },
    cluster: "tusk",
  });
  assert.deepEqual(splitStatements(ddl), [
    [
      "CREATE TABLE IF NOT EXISTS `maintenance`.`heartbeats_local` ON CLUSTER `tusk`",
      "(",
      "    `app` String,",
      "    `datetime` DateTime,",
      "    `task` String,",
      "    `sequence` UInt32,",
      "    `expiry` DateTime",
      ")",
      "ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/maintenance.heartbeats_local', '{replica}')",
      "ORDER BY (`app`, `datetime`, `task`, `sequence`)",
    ].join("\n"),
    [
      "CREATE TABLE IF NOT EXISTS `maintenance`.`heartbeats` ON CLUSTER `tusk`",
      "(",
      "    `app` String,",
      "    `datetime` DateTime,",
      "    `task` String,",
      "    `sequence` UInt32,",
      "    `expiry` DateTime",
      ")",
      "ENGINE = Distributed(`tusk`, `maintenance`, `heartbeats_local`, rand())",
    ].join("\n"),
  ]);
  assert.equal(ddl, splitStatements(ddl).join(";\n\n"), 'separated by ";\\n\\n"');
});

Deno.test("*TableDdl() with cluster: every function, the TTL on the local table only", () => {
  const server = { version: "26.7.2.1" };
  const counters = splitStatements(countersTableDdl("d.q", {
    server,
    cluster: "c",
    columns: { resource_id: "String" },
    ttlDays: 30,
  }));
  assert.match(
    counters[0]!,
    /ENGINE = ReplicatedSummingMergeTree\('\/clickhouse\/tables\/\{shard\}\/d\.q_local', '\{replica\}', `count`\)\nORDER BY .*\nTTL /,
  );
  assert.doesNotMatch(counters[1]!, /TTL|ORDER BY/);
  for (
    const ddl of [
      logsTableDdl("d.logs", { server, cluster: "c" }),
      metricTableDdl("d.cpu", { server, cluster: "c", columns: { usage: "Float64" } }),
    ]
  ) {
    const [local, front] = splitStatements(ddl);
    assert.match(local!, /_local` ON CLUSTER `c`[\s\S]*ENGINE = ReplicatedMergeTree\(/);
    assert.match(front!, /ENGINE = Distributed\(`c`, `d`, `\w+_local`, rand\(\)\)$/);
  }
});

Deno.test("*TableDdl() with cluster needs the database in the table's name", () => {
  assert.throws(
    () => heartbeatsTableDdl("heartbeats", { cluster: "tusk" }),
    new TypeError(
      'Cannot make the DDL of "heartbeats" for cluster "tusk": give the table as "db.table"',
    ),
  );
});
