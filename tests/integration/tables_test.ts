import assert from "node:assert/strict";
import { counter } from "../../src/counter/mod.ts";
import * as heartbeat from "../../src/heartbeat/mod.ts";
import * as logging from "../../src/logging/mod.ts";
import {
  countersTableDdl,
  heartbeatsTableDdl,
  logsTableDdl,
  metricTableDdl,
} from "../../src/tables/mod.ts";
import { freshDatabase, selectRows, sql, type TestEngine } from "../_helpers/engines.ts";
import { connect, forEachEngine, uniqueClient } from "../_helpers/for_each_engine.ts";

const TAGS = { resource_id: "String", requester_ip: "String" };

/** A database name not yet created (createTable must make it). */
function unusedDatabase(prefix: string): string {
  return `tusk_test_${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
}

async function columns(engine: TestEngine, db: string, table: string): Promise<string[]> {
  const rows = await selectRows<{ name: string; type: string }>(
    engine,
    `SELECT name, type FROM system.columns WHERE database = '${db}' AND table = '${table}'`,
  );
  return rows.map((r) => `${r.name} ${r.type}`);
}

async function tableDdl(engine: TestEngine, db: string): Promise<string[]> {
  const rows = await selectRows<{ name: string; statement: string }>(
    engine,
    `SELECT name, create_table_query AS statement FROM system.tables WHERE database = '${db}' ORDER BY name`,
  );
  return rows.map((r) => `${r.name}: ${r.statement}`);
}

/** The original README's examples: heartbeats, a log line, and quota counts. */
async function runReadmeExamples(engine: TestEngine, db: string, errors: Error[]): Promise<void> {
  const clientName = uniqueClient("tables");
  const client = connect(engine, clientName, {
    onError: (error) => errors.push(error),
    env: { TUSK_CATEGORY: "demo", TUSK_HOST: "box-1" },
  });
  try {
    const hb = heartbeat.init({
      table: `${db}.heartbeats`,
      appName: "my_app",
      clientName,
      createTable: true,
    });
    heartbeat.beat({ task: "scan_disk", heartbeatPeriod: 60, clientName });
    const logs = logging.init({
      table: `${db}.logs`,
      appName: "my_app",
      clientName,
      console: false,
      createTable: true,
    });
    logging.getLogger().info("Hello world!");
    const quota = counter({
      table: `${db}.quota_usage`,
      clientName,
      createTable: { columns: TAGS },
    });
    quota.count({ resource_id: "ABC111", requester_ip: "1.2.3.4" });
    quota.count({ resource_id: "ABC111", requester_ip: "1.2.3.4" }, 2);
    quota.count({ resource_id: "XYZ999", requester_ip: "5.6.7.8" });
    await hb.stop();
    await logs.stop();
    await client.flush();
  } finally {
    await client.close();
  }
}

forEachEngine(
  "createTable makes the database and the heartbeats, logs and counter tables; rows arrive",
  async (engine) => {
    const db = unusedDatabase("create");
    const errors: Error[] = [];
    try {
      await runReadmeExamples(engine, db, errors);
      assert.deepEqual(errors.map((e) => e.message), []);

      const beats = await selectRows<{ app: string; task: string; sequence: number }>(
        engine,
        `SELECT app, task, sequence FROM ${db}.heartbeats ORDER BY task`,
      );
      assert.deepEqual(beats, [
        { app: "my_app", task: "main", sequence: 0 },
        { app: "my_app", task: "scan_disk", sequence: 0 },
      ]);
      const logs = await selectRows(
        engine,
        `SELECT category, host, app, level, message FROM ${db}.logs`,
      );
      assert.deepEqual(logs, [
        { category: "demo", host: "box-1", app: "my_app", level: 4, message: "Hello world!" },
      ]);
      const totals = await selectRows<{ resource_id: string; requester_ip: string; count: string }>(
        engine,
        `SELECT resource_id, requester_ip, toString(sum(count)) AS count FROM ${db}.quota_usage` +
          " GROUP BY resource_id, requester_ip ORDER BY resource_id",
      );
      assert.deepEqual(totals, [
        { resource_id: "ABC111", requester_ip: "1.2.3.4", count: "3" },
        { resource_id: "XYZ999", requester_ip: "5.6.7.8", count: "1" },
      ]);

      const time = engine.modern ? "DateTime64(3)" : "DateTime";
      const label = engine.modern ? "LowCardinality(String)" : "String";
      assert.deepEqual(await columns(engine, db, "heartbeats"), [
        `app ${label}`,
        `datetime ${time}`,
        `task ${label}`,
        "sequence UInt32",
        `expiry ${time}`,
      ]);
      assert.ok((await columns(engine, db, "logs")).includes(`datetime ${time}`));
      const ddl = (await tableDdl(engine, db)).join("\n");
      assert.match(ddl, /quota_usage: .*SummingMergeTree/);
      assert.equal(/TTL/.test(ddl), engine.modern, "TTL only where the server has it");

      // A second run changes nothing: same tables, same statements, rows added.
      const before = await tableDdl(engine, db);
      await runReadmeExamples(engine, db, errors);
      assert.deepEqual(errors.map((e) => e.message), []);
      assert.deepEqual(await tableDdl(engine, db), before);
      const [{ n }] = await selectRows<{ n: string }>(
        engine,
        `SELECT toString(count()) AS n FROM ${db}.logs`,
      );
      assert.equal(n, "2");
    } finally {
      await sql(engine, `DROP DATABASE IF EXISTS ${db}`);
    }
  },
);

forEachEngine(
  "createTable on a table lacking a column fails with the ALTER to run and keeps the rows",
  async (engine) => {
    const db = await freshDatabase(engine, "create_missing");
    const time = engine.modern ? "DateTime64(3)" : "DateTime";
    await sql(
      engine,
      `CREATE TABLE ${db}.heartbeats (app String, datetime ${time}, task String)` +
        " ENGINE = MergeTree() ORDER BY (app, datetime)",
    );
    const clientName = uniqueClient("tables");
    const errors: Error[] = [];
    const client = connect(engine, clientName, { onError: (error) => errors.push(error) });
    try {
      const hb = heartbeat.init({
        table: `${db}.heartbeats`,
        appName: "my_app",
        clientName,
        createTable: true,
      });
      await assert.rejects(client.flush());
      const alter = `ALTER TABLE \`${db}\`.\`heartbeats\` ADD COLUMN \`sequence\` UInt32, ` +
        `ADD COLUMN \`expiry\` ${time}`;
      const expected = `Cannot write to "${db}.heartbeats": the table lacks columns "sequence", ` +
        `"expiry"; Tusk never alters a table itself, so run: ${alter}`;
      assert.deepEqual(errors.map((e) => e.message), [expected]);
      const [stats] = client.stats();
      assert.equal(stats.lastError, expected);
      assert.equal(stats.pending, 1, "the beat is kept");
      assert.deepEqual(await columns(engine, db, "heartbeats"), [
        "app String",
        `datetime ${time}`,
        "task String",
      ], "the table is not altered");

      // The statement given works; the kept beat then arrives.
      await sql(engine, alter);
      await client.flush();
      await hb.stop();
      const rows = await selectRows(engine, `SELECT task, sequence FROM ${db}.heartbeats`);
      assert.deepEqual(rows, [{ task: "main", sequence: 0 }]);
    } finally {
      await client.close();
      await sql(engine, `DROP DATABASE IF EXISTS ${db}`);
    }
  },
);

forEachEngine("every *TableDdl statement runs on the engine, twice", async (engine) => {
  const db = await freshDatabase(engine, "ddl");
  const server = { version: (await sql(engine, "SELECT version()")).trim() };
  try {
    const statements = [
      heartbeatsTableDdl(`${db}.heartbeats`, { server }),
      heartbeatsTableDdl(`${db}.heartbeats_no_ttl`, { server, ttlDays: 0 }),
      heartbeatsTableDdl(`${db}.heartbeats_bare`, {
        server,
        columns: { sequence: null, expiry: null },
      }),
      logsTableDdl(`${db}.logs`, { server }),
      logsTableDdl(`${db}.logs_no_ttl`, { server, ttlDays: 0 }),
      logsTableDdl(`${db}.logs_modern_flag`, { modern: engine.modern }),
      countersTableDdl(`${db}.quota_usage`, { server, columns: TAGS }),
      countersTableDdl(`${db}.quota_minute`, {
        server,
        columns: TAGS,
        bucket: "minute",
        ttlDays: 30,
      }),
      metricTableDdl(`${db}.cpu`, {
        server,
        columns: { region: "String", instance_id: "String", usage: "Float64" },
        orderBy: ["region", "datetime"],
        ttlDays: 14,
      }),
    ];
    for (const statement of [...statements, ...statements]) await sql(engine, statement);
    const made = await tableDdl(engine, db);
    assert.equal(made.length, statements.length);
    assert.equal(made.some((t) => /TTL/.test(t)), engine.modern);
  } finally {
    await sql(engine, `DROP DATABASE IF EXISTS ${db}`);
  }
});
