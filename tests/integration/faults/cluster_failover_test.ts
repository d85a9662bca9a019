// Failover on a real replicated cluster (ZooKeeper and clickhouse-server 18.16 nodes on
// 127.0.0.1, each test its own): a replica killed, a node frozen, ZooKeeper stopped, a whole shard
// down. Rows stream in throughout; afterwards every row must be stored exactly once, counted on
// every replica. 18.16 has no deduplication tokens: a retried batch is recognized by its
// identical body, which is what these tests prove the writer keeps.
import assert from "node:assert/strict";
import * as tusk from "../../../mod.ts";
import {
  type Cluster,
  clusterMissing,
  clusterSql,
  sharedCluster,
  startCluster,
} from "../../_helpers/cluster.ts";
import { uniqueClient } from "../../_helpers/for_each_engine.ts";
import { figure, FULL, sleep, totals, until } from "./_faults.ts";

const missing = clusterMissing() !== undefined;
const COLUMNS = "(id UInt64, at DateTime, note String)";

/** Rows and distinct ids of `table` on one node. */
async function counted(url: string, table: string): Promise<{ rows: number; ids: number }> {
  const text = await clusterSql(url, `SELECT count(), uniqExact(id) FROM ${table} FORMAT TSV`);
  const [rows, ids] = text.trim().split("\t").map(Number);
  return { rows: rows!, ids: ids! };
}

/**
 * A replicated table `f.t` on every node, and (if asked) a `Distributed` `f.d` over it: made on
 * each node in turn (the macros name its shard and replica), not `ON CLUSTER`, whose queue can
 * outlast a short timeout on a busy machine.
 */
async function replicatedTable(c: Cluster, shardingKey?: string): Promise<void> {
  for (const node of c.nodes) {
    await clusterSql(node.url, "CREATE DATABASE IF NOT EXISTS f");
    await clusterSql(
      node.url,
      `CREATE TABLE f.t ${COLUMNS} ` +
        "ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/f.t', '{replica}') ORDER BY id",
    );
    if (shardingKey !== undefined) {
      await clusterSql(
        node.url,
        `CREATE TABLE f.d AS f.t ENGINE = Distributed(${c.name}, f, t, ${shardingKey})`,
      );
    }
  }
}

/**
 * Waits until every replica of a shard holds the same rows of `table`, twice in a row a second
 * apart (a restarted replica takes about 10 s to catch up), and returns that count.
 */
async function settled(urls: string[], table: string): Promise<{ rows: number; ids: number }> {
  let last = "";
  let got = { rows: 0, ids: 0 };
  await until(
    async () => {
      const all = await Promise.all(urls.map((url) => counted(url, table)));
      const now = JSON.stringify(all);
      const same = all.every((x) => x.rows === all[0]!.rows);
      const stable = same && now === last;
      last = same ? now : "";
      got = all[0]!;
      return stable;
    },
    `the replicas ${urls.join(", ")} to agree on ${table}`,
    60_000,
    1000,
  );
  return got;
}

/**
 * Writes `rate` rows/s (ids 0, 1, ...) for `seconds`, calling `at(ms)` between steps so the
 * test can break things on schedule; then flushes until nothing is pending.
 */
async function stream(
  clientName: string,
  table: string,
  seconds: number,
  at: (ms: number) => Promise<void> | void,
  rate = 5000,
): Promise<number> {
  const m = tusk.metric({ table, clientName });
  await m.ready();
  let id = 0;
  const started = Date.now();
  while (Date.now() - started < seconds * 1000) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    while (id < due) m.write({ id: id++, note: "x" });
    await at(Date.now() - started);
    await sleep(20);
  }
  await until(
    async () => {
      await m.flush().catch(() => {});
      return totals(clientName).pending === 0;
    },
    "every row delivered",
    60_000,
    200,
  );
  return id;
}

/** Waits until every node listed holds `n` rows of `table` (replication catching up). */
async function replicated(urls: string[], table: string, n: number): Promise<void> {
  await until(
    async () => {
      for (const url of urls) if ((await counted(url, table)).rows < n) return false;
      return true;
    },
    `${n} rows of ${table} on ${urls.join(", ")}`,
    60_000,
    250,
  );
}

function start(url: string | string[] | undefined, clientName: string, extra = {}): Error[] {
  const errors: Error[] = [];
  tusk.init({
    ...(url === undefined ? {} : { url }),
    user: "tester",
    password: "P@assw0rd",
    clientName,
    requestTimeout: 2,
    batching: { period: 0.1, maxRows: 500 },
    onError: (e) => errors.push(e),
    ...extra,
  });
  return errors;
}

const options = { ignore: missing, sanitizeResources: false, sanitizeOps: false };

Deno.test({
  ...options,
  name: "faults: url: [replica 1, replica 2], replica 1 killed and restarted: every row once",
  async fn() {
    const c = await startCluster({ shards: 1, replicas: 2 });
    const clientName = uniqueClient("replica-kill");
    try {
      await replicatedTable(c);
      start(c.shards[0], clientName);
      let killedAt = 0;
      let writtenAtKill = 0;
      let recoveredMs: number | undefined;
      let restarting: Promise<void> | undefined;
      const seconds = FULL ? 30 : 8;
      const n = await stream(clientName, "f.t", seconds, async (t) => {
        if (killedAt === 0 && t > 2000) {
          writtenAtKill = totals(clientName).written;
          killedAt = Date.now();
          await c.nodes[0]!.kill();
        } else if (killedAt > 0 && recoveredMs === undefined) {
          if (totals(clientName).written > writtenAtKill) recoveredMs = Date.now() - killedAt;
        }
        if (killedAt > 0 && restarting === undefined && t > 4000) restarting = c.nodes[0]!.start();
      });
      await restarting;
      await replicated(c.shards[0]!, "f.t", n);
      const stored = await Promise.all(c.shards[0]!.map((url) => counted(url, "f.t")));
      const s = totals(clientName);
      for (const got of stored) assert.deepEqual(got, { rows: n, ids: n }, "every row once");
      assert.deepEqual(s.dropped, {});
      assert.ok(recoveredMs !== undefined, "rows went on to replica 2 while replica 1 was down");
      const endpoints = tusk.stats()[`${clientName}/f.t`]?.endpoints;
      assert.equal(endpoints?.length, 2);
      assert.ok(endpoints![0]!.failures > 0, "replica 1's failures are in its figures");
      figure("cluster: replica killed, url list", {
        written: n,
        storedPerReplica: stored.map((x) => x.rows),
        duplicates: stored[0]!.rows - stored[0]!.ids,
        msFromKillToNextWrite: recoveredMs,
        failedRequests: s.failedBatches,
      });
    } finally {
      await tusk.close();
      await c.stop();
    }
  },
});

Deno.test({
  ...options,
  name: "faults: Distributed tables on two nodes, one killed and restarted: every row once",
  async fn() {
    // 2 shards x 2 replicas; writes go through the Distributed table of s1r1 and of s2r1. A
    // sharding key computed from the row splits a retried batch into the same blocks, so each
    // shard's replicas recognize what already arrived.
    const c = await startCluster({ shards: 2, replicas: 2 });
    const clientName = uniqueClient("dist-kill");
    try {
      await replicatedTable(c, "intHash64(id)");
      const entry = [c.nodes[0]!, c.nodes[2]!];
      start(entry.map((node) => node.url), clientName, {
        clickhouseSettings: { insert_distributed_sync: 1 },
      });
      let killed = false;
      let restarting: Promise<void> | undefined;
      const n = await stream(clientName, "f.d", FULL ? 30 : 8, async (t) => {
        if (!killed && t > 2000) {
          killed = true;
          await entry[0]!.kill();
        }
        if (killed && restarting === undefined && t > 4000) restarting = entry[0]!.start();
      });
      await restarting;
      // Every replica of each shard holds the same rows; the shards together hold each id once.
      const shard1 = await settled(c.shards[0]!, "f.t");
      const shard2 = await settled(c.shards[1]!, "f.t");
      const all = await counted(c.nodes[1]!.url, "f.d");
      const total = shard1.rows + shard2.rows;
      assert.equal(all.ids, n, "no row lost");
      assert.equal(total, n, "no row stored twice");
      assert.deepEqual(totals(clientName).dropped, {});
      figure("cluster: node killed, Distributed on two nodes", {
        written: n,
        storedOverShards: total,
        duplicates: total - all.ids,
      });
    } finally {
      await tusk.close();
      await c.stop();
    }
  },
});

Deno.test({
  ...options,
  name: "faults: shards, a whole shard down for a while: its rows arrive after, the other " +
    "shard kept taking rows, none twice",
  async fn() {
    const c = await startCluster({ shards: 2, replicas: 2 });
    const clientName = uniqueClient("shard-down");
    try {
      await replicatedTable(c, "intHash64(id)");
      start(undefined, clientName, { shards: c.shards });
      const down = [c.nodes[2]!, c.nodes[3]!]; // shard 2
      const up = c.shards[0]![0]!;
      let downAt: number | undefined;
      let shard1AtDown = 0;
      let shard1AtReturn = 0;
      let restarting: Promise<unknown> | undefined;
      let returnedAt = 0;
      let shard2BackMs: number | undefined;
      const shard2Rows = async () =>
        (await Promise.all(c.shards[1]!.map((url) => counted(url, "f.t"))))
          .reduce((most, x) => Math.max(most, x.rows), 0); // replication never passes the max
      const n = await stream(clientName, "f.t", FULL ? 30 : 10, async (t) => {
        if (downAt === undefined && t > 2000) {
          downAt = t;
          shard1AtDown = (await counted(up, "f.t")).rows;
          await Promise.all(down.map((node) => node.kill()));
        }
        if (downAt !== undefined && restarting === undefined && t > 6000) {
          shard1AtReturn = (await counted(up, "f.t")).rows;
          restarting = Promise.all(down.map((node) => node.start())).then(async () => {
            returnedAt = Date.now();
            // Shard 2's rows at its return, then how long until Tusk's next rows land there.
            const before = await shard2Rows();
            await until(async () => (await shard2Rows()) > before, "rows on shard 2", 60_000, 50);
            shard2BackMs = Date.now() - returnedAt;
          });
        }
      });
      await restarting;
      const shard2Stats = tusk.stats()[`${clientName}/f.t`]!.endpoints!.filter((e) =>
        e.shard === 1
      );
      const shard1 = await settled(c.shards[0]!, "f.t");
      const shard2 = await settled(c.shards[1]!, "f.t");
      const all = await counted(up, "f.d");
      assert.equal(all.ids, n, "no row lost");
      assert.equal(shard1.rows + shard2.rows, n, "no row stored twice");
      assert.ok(shard1AtReturn > shard1AtDown + 1000, "shard 1 kept taking rows meanwhile");
      assert.ok(shard2.rows > 0, "shard 2 took its share");
      assert.deepEqual(totals(clientName).dropped, {});
      figure("cluster: whole shard down, direct-to-shard", {
        written: n,
        shard1: shard1.rows,
        shard2: shard2.rows,
        shard1RowsWhileShard2Down: shard1AtReturn - shard1AtDown,
        msFromShard2ReturnToItsNextRows: shard2BackMs,
        shard2Endpoints: shard2Stats.map((e) => ({ state: e.state, failures: e.failures })),
        duplicates: shard1.rows + shard2.rows - all.ids,
      });
    } finally {
      await tusk.close();
      await c.stop();
    }
  },
});

Deno.test({
  ...options,
  name: "faults: ZooKeeper stopped for a few seconds (replicas read-only): rows held, then " +
    "delivered once",
  async fn() {
    const c = await startCluster({ shards: 1, replicas: 2 });
    const clientName = uniqueClient("zk-down");
    try {
      await replicatedTable(c);
      const errors = start(c.shards[0], clientName);
      let stopped = false;
      let starting: Promise<void> | undefined;
      let startedAt = 0;
      let writtenAtStart = 0;
      let recoveredMs: number | undefined;
      const n = await stream(clientName, "f.t", FULL ? 20 : 8, async (t) => {
        if (!stopped && t > 2000) {
          stopped = true;
          await c.zookeeper!.stop();
        }
        if (stopped && starting === undefined && t > 5000) {
          startedAt = Date.now();
          writtenAtStart = totals(clientName).written;
          starting = c.zookeeper!.start();
        }
        if (startedAt > 0 && recoveredMs === undefined) {
          if (totals(clientName).written > writtenAtStart) recoveredMs = Date.now() - startedAt;
        }
      });
      await starting;
      // The stream waited for every row: how long after ZooKeeper came back they were all in.
      const allInMs = Date.now() - startedAt;
      await replicated(c.shards[0]!, "f.t", n);
      const stored = await Promise.all(c.shards[0]!.map((url) => counted(url, "f.t")));
      for (const got of stored) assert.deepEqual(got, { rows: n, ids: n }, "every row once");
      const readOnly = errors.filter((e) =>
        e instanceof tusk.TuskClickHouseError && e.code === 242
      );
      assert.ok(readOnly.length > 0, "the read-only replicas were seen (code 242)");
      figure("cluster: ZooKeeper stopped for 3 s", {
        written: n,
        storedPerReplica: stored.map((x) => x.rows),
        readOnlyErrors: readOnly.length,
        msFromZooKeeperStartToNextWrite: recoveredMs ?? "after the stream ended",
        msFromZooKeeperStartToAllDelivered: allInMs,
      });
    } finally {
      await tusk.close();
      await c.stop();
    }
  },
});

Deno.test({
  ...options,
  name: "faults: a frozen replica (SIGSTOP) answers nothing: the request times out and moves on",
  async fn() {
    const c = await startCluster({ shards: 1, replicas: 2 });
    const clientName = uniqueClient("frozen");
    try {
      await replicatedTable(c);
      start(c.shards[0], clientName, { requestTimeout: 1, loadBalancing: "in_order" });
      const m = tusk.metric({ table: "f.t", clientName });
      await m.ready();
      c.nodes[0]!.freeze();
      for (let id = 0; id < 1000; id++) m.write({ id, note: "x" });
      const began = Date.now();
      await m.flush();
      const flushMs = Date.now() - began;
      // One timeout (1 s), then replica 2 at once.
      assert.ok(flushMs < 5000, `the flush moved on within 5 s (took ${flushMs} ms)`);
      assert.deepEqual(await counted(c.nodes[1]!.url, "f.t"), { rows: 1000, ids: 1000 });
      const frozen = tusk.stats()[`${clientName}/f.t`]!.endpoints![0]!;
      assert.equal(frozen.state, "down");
      c.nodes[0]!.thaw();
      // The frozen replica may still carry out the insert it had taken: the shard keeps it once.
      await replicated(c.shards[0]!, "f.t", 1000);
      await sleep(2000);
      for (const url of c.shards[0]!) {
        assert.deepEqual(await counted(url, "f.t"), { rows: 1000, ids: 1000 });
      }
      figure("cluster: frozen replica", { rows: 1000, flushMs });
    } finally {
      c.nodes[0]!.thaw();
      await tusk.close();
      await c.stop();
    }
  },
});

const shared = sharedCluster();

Deno.test({
  name: "a batch resent through Distributed is stored once with a row-derived sharding key, " +
    "twice with rand()",
  ignore: shared === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    // What the README's "Exactly once across failover" rests on, shown without Tusk: the same
    // 20-row body sent twice through each kind of Distributed table of the run's 2 x 2 cluster.
    const c = shared!;
    const db = `dedup_${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
    const body = Array.from({ length: 20 }, (_, id) => `{"id":${id},"note":"x"}`).join("\n");
    const counts: Record<string, number> = {};
    try {
      for (const url of c.urls) {
        await clusterSql(url, `CREATE DATABASE ${db}`);
        for (const [name, key] of [["by_id", "intHash64(id)"], ["by_rand", "rand()"]]) {
          await clusterSql(
            url,
            `CREATE TABLE ${db}.${name}_local ${COLUMNS} ENGINE = ReplicatedMergeTree(` +
              `'/clickhouse/tables/{shard}/${db}.${name}_local', '{replica}') ORDER BY id`,
          );
          await clusterSql(
            url,
            `CREATE TABLE ${db}.${name} AS ${db}.${name}_local ` +
              `ENGINE = Distributed(${c.name}, ${db}, ${name}_local, ${key})`,
          );
        }
      }
      for (const name of ["by_id", "by_rand"]) {
        for (let i = 0; i < 2; i++) {
          await clusterSql(c.urls[0]!, `INSERT INTO ${db}.${name} FORMAT JSONEachRow`, {
            body,
            settings: { insert_distributed_sync: 1 },
          });
        }
        counts[name] = 0;
        for (const replicas of c.shards) {
          counts[name] += (await settled(replicas, `${db}.${name}_local`)).rows;
        }
      }
      assert.deepEqual(counts, { by_id: 20, by_rand: 40 });
      figure("cluster: the same 20 rows sent twice through Distributed", counts);
    } finally {
      for (const url of c.urls) await clusterSql(url, `DROP DATABASE IF EXISTS ${db}`);
    }
  },
});
