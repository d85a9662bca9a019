// The *TableDdl functions' cluster statements and createTable with a cluster, run on a real
// ClickHouse 18.16 cluster (2 shards x 2 replicas, ZooKeeper): the run's shared cluster when
// there is one, else one of the test's own.
import assert from "node:assert/strict";
import * as tusk from "../../mod.ts";
import * as heartbeat from "../../src/heartbeat/mod.ts";
import {
  countersTableDdl,
  heartbeatsTableDdl,
  logsTableDdl,
  metricTableDdl,
  splitStatements,
} from "../../src/tables/mod.ts";
import { clusterMissing, clusterSql, sharedCluster, startCluster } from "../_helpers/cluster.ts";
import { uniqueClient, waitFor } from "../_helpers/for_each_engine.ts";

interface TestCluster {
  name: string;
  shards: string[][];
  user: string;
  password: string;
}

const shared = sharedCluster();
const missing = shared === undefined ? clusterMissing() : undefined;

async function withCluster(fn: (cluster: TestCluster) => Promise<void>): Promise<void> {
  if (shared !== undefined) return await fn(shared);
  const own = await startCluster({ shards: 2, replicas: 2 });
  try {
    await fn(own);
  } finally {
    await own.stop();
  }
}

function clusterTest(name: string, fn: (cluster: TestCluster) => Promise<void>): void {
  Deno.test({ name, ignore: missing !== undefined, fn: () => withCluster(fn) });
}

function unusedDatabase(prefix: string): string {
  return `tusk_test_${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
}

// ON CLUSTER waits for every node; 18.16's ZooKeeper round trips take up to a few seconds.
function on(cluster: TestCluster, url: string, query: string): Promise<string> {
  return clusterSql(url, query, {
    timeoutMs: 60_000,
    user: cluster.user,
    password: cluster.password,
  });
}

async function count(cluster: TestCluster, url: string, table: string): Promise<number> {
  return Number((await on(cluster, url, `SELECT count() FROM ${table}`)).trim());
}

async function tablesOn(cluster: TestCluster, url: string, db: string): Promise<string[]> {
  const text = await on(
    cluster,
    url,
    `SELECT concat(name, ' ', engine) FROM system.tables WHERE database = '${db}' ORDER BY name`,
  );
  return text.trim().split("\n");
}

clusterTest(
  "every *TableDdl function's cluster statements run on an 18.16 cluster; a row written to the Distributed table is read back from its shard's replicas",
  async (cluster) => {
    const first = cluster.shards[0]![0]!;
    const db = unusedDatabase("cluster_ddl");
    const server = { version: (await on(cluster, first, "SELECT version()")).trim() };
    const options = { server, cluster: cluster.name };
    try {
      await on(cluster, first, `CREATE DATABASE IF NOT EXISTS ${db} ON CLUSTER ${cluster.name}`);
      const ddl = [
        heartbeatsTableDdl(`${db}.heartbeats`, options),
        logsTableDdl(`${db}.logs`, options),
        countersTableDdl(`${db}.quota_usage`, {
          ...options,
          columns: { resource_id: "String", requester_ip: "String" },
        }),
        metricTableDdl(`${db}.cpu`, {
          ...options,
          columns: { region: "String", usage: "Float64" },
          orderBy: ["region", "datetime"],
        }),
      ];
      for (const text of [...ddl, ...ddl]) { // twice: IF NOT EXISTS on every node
        const statements = splitStatements(text);
        assert.equal(statements.length, 2);
        for (const statement of statements) await on(cluster, first, statement);
      }
      const expected = [
        "cpu Distributed",
        "cpu_local ReplicatedMergeTree",
        "heartbeats Distributed",
        "heartbeats_local ReplicatedMergeTree",
        "logs Distributed",
        "logs_local ReplicatedMergeTree",
        "quota_usage Distributed",
        "quota_usage_local ReplicatedSummingMergeTree",
      ];
      for (const url of cluster.shards.flat()) {
        assert.deepEqual(await tablesOn(cluster, url, db), expected, url);
      }

      await clusterSql(
        first,
        `INSERT INTO ${db}.heartbeats (app, datetime, task, sequence, expiry)` +
          " VALUES ('my_app', now(), 'main', 0, now() + 35)",
        {
          settings: { insert_distributed_sync: 1 },
          user: cluster.user,
          password: cluster.password,
        },
      );
      // A Distributed read picks any replica of each shard: the partner may lag below 1 s.
      await waitFor(
        async () => await count(cluster, first, `${db}.heartbeats`) === 1,
        "the row read through the Distributed table",
        15_000,
      );
      const holding = cluster.shards.filter((replicas) => replicas.length > 0);
      await waitFor(
        async () => {
          const perShard = await Promise.all(
            holding.map(async (replicas) =>
              await Promise.all(
                replicas.map((url) => count(cluster, url, `${db}.heartbeats_local`)),
              )
            ),
          );
          // One shard holds the row, on every replica; the others hold nothing.
          return perShard.filter((counts) => counts.every((n) => n === 1)).length === 1 &&
            perShard.filter((counts) => counts.every((n) => n === 0)).length ===
              perShard.length - 1;
        },
        "the row on both replicas of one shard",
        15_000,
      );
    } finally {
      await on(cluster, first, `DROP DATABASE IF EXISTS ${db} ON CLUSTER ${cluster.name}`);
    }
  },
);

clusterTest(
  "heartbeat.init({ createTable: { cluster } }) makes the database and tables on every node; beats arrive",
  async (cluster) => {
    const first = cluster.shards[0]![0]!;
    const db = unusedDatabase("cluster_create");
    const clientName = uniqueClient("tables-cluster");
    const errors: Error[] = [];
    const client = tusk.init({
      url: first,
      user: cluster.user,
      password: cluster.password,
      clientName,
      requestTimeout: 60,
      onError: (error) => errors.push(error),
    });
    try {
      const hb = heartbeat.init({
        table: `${db}.heartbeats`,
        appName: "my_app",
        clientName,
        createTable: { cluster: cluster.name },
      });
      heartbeat.beat({ task: "scan_disk", clientName });
      await hb.stop();
      await client.flush();
      assert.deepEqual(errors.map((e) => e.message), []);
      for (const url of cluster.shards.flat()) {
        assert.deepEqual(await tablesOn(cluster, url, db), [
          "heartbeats Distributed",
          "heartbeats_local ReplicatedMergeTree",
        ], url);
      }
      // Distributed inserts are asynchronous: the other shard's rows land within about 1 s.
      await waitFor(
        async () => await count(cluster, first, `${db}.heartbeats`) === 2,
        "both beats readable through the Distributed table",
        15_000,
      );
    } finally {
      await client.close();
      await on(cluster, first, `DROP DATABASE IF EXISTS ${db} ON CLUSTER ${cluster.name}`);
    }
  },
);
