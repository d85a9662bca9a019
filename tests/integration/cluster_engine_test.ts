// The test cluster itself (tools/engines/cluster.mjs), on clusters this file starts: 2 shards x 2
// replicas of clickhouse-server 18.16 with ZooKeeper (ON CLUSTER DDL, replication, deduplication,
// a replica killed and restarted, a frozen node, ZooKeeper stopped and started), and 2 x 1 without
// ZooKeeper (plain MergeTree + Distributed). Every wait is bounded. The run's shared cluster
// (tools/test.mjs) is only looked at: each node knows the same layout.
import assert from "node:assert/strict";
import {
  type Cluster,
  clusterMissing,
  clusterSql,
  ClusterSqlError,
  sharedCluster,
  startCluster,
} from "../_helpers/cluster.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every 100 ms until it returns true; fails after `timeoutMs`. */
async function until(what: string, timeoutMs: number, probe: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(100);
  }
}

async function count(url: string, table: string): Promise<number> {
  return Number((await clusterSql(url, `SELECT count() FROM ${table}`)).trim());
}

/** `n` JSONEachRow lines with ids from `from`. */
function rows(from: number, n: number): string {
  return Array.from({ length: n }, (_, i) => JSON.stringify({ id: from + i, note: "x" })).join(
    "\n",
  ) + "\n";
}

function insert(url: string, table: string, body: string, timeoutMs?: number): Promise<string> {
  return clusterSql(url, `INSERT INTO ${table} FORMAT JSONEachRow`, { body, timeoutMs });
}

function alive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    Deno.kill(pid, "SIGCONT"); // harmless to a running process; throws when it is gone
    return true;
  } catch {
    return false;
  }
}

function rssMB(pid: number | null): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

Deno.test({
  name:
    "cluster: 2 x 2 with ZooKeeper: DDL on cluster, replication, dedup, kill, freeze, ZooKeeper down",
  ignore: clusterMissing() !== undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const started = Date.now();
    const cluster: Cluster = await startCluster({ shards: 2, replicas: 2, name: "tusk" });
    const startMs = Date.now() - started;
    const pids = [cluster.zookeeper!.pid, ...cluster.nodes.map((n) => n.pid)];
    try {
      const [s1r1, s1r2, s2r1, s2r2] = cluster.nodes;
      console.log(
        `FIGURE cluster 2x2 start: ${startMs} ms; RSS MB: zookeeper ${
          rssMB(cluster.zookeeper!.pid)
        }, nodes ${cluster.nodes.map((n) => rssMB(n.pid)).join(" ")}`,
      );

      await t.step("the layout: shards of replica URLs, macros per node", async () => {
        assert.deepEqual(cluster.shards, [[s1r1!.url, s1r2!.url], [s2r1!.url, s2r2!.url]]);
        const macros = await clusterSql(
          s2r2!.url,
          "SELECT macro, substitution FROM system.macros ORDER BY macro FORMAT JSONEachRow",
        );
        assert.equal(
          macros,
          '{"macro":"replica","substitution":"s2r2"}\n{"macro":"shard","substitution":"2"}\n',
        );
        const hosts = await clusterSql(
          s1r1!.url,
          `SELECT shard_num, replica_num, port FROM system.clusters WHERE cluster = 'tusk' ` +
            `ORDER BY shard_num, replica_num FORMAT CSV`,
        );
        assert.equal(
          hosts,
          cluster.nodes.map((n) => `${n.shard},${n.replica},${n.tcpPort}\n`).join(""),
        );
      });

      await t.step("ON CLUSTER creates the database and tables on every node", async () => {
        await clusterSql(s1r1!.url, "CREATE DATABASE c ON CLUSTER tusk");
        await clusterSql(
          s1r1!.url,
          "CREATE TABLE c.local ON CLUSTER tusk (id UInt64, note String) " +
            "ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/c_local', '{replica}') " +
            "ORDER BY id",
        );
        await clusterSql(
          s1r1!.url,
          "CREATE TABLE c.dist ON CLUSTER tusk AS c.local " +
            "ENGINE = Distributed(tusk, c, local, rand())",
        );
        for (const n of cluster.nodes) {
          const tables = await clusterSql(
            n.url,
            "SELECT name, engine FROM system.tables WHERE database = 'c' ORDER BY name FORMAT CSV",
          );
          assert.equal(tables, '"dist","Distributed"\n"local","ReplicatedMergeTree"\n', n.url);
        }
      });

      await t.step("a row written to replica 1 of shard 1 is read from replica 2", async () => {
        await insert(s1r1!.url, "c.local", rows(0, 20));
        await until(
          "replication to s1r2",
          10_000,
          async () => (await count(s1r2!.url, "c.local")) === 20,
        );
        assert.equal(await count(s2r1!.url, "c.local"), 0, "the other shard has none");
      });

      await t.step(
        "the same body sent twice to each replica of the shard is stored once",
        async () => {
          const body = rows(100, 20);
          for (const url of [s1r1!.url, s1r1!.url, s1r2!.url, s1r2!.url]) {
            await insert(url, "c.local", body);
          }
          await until(
            "both replicas at 40 rows",
            10_000,
            async () =>
              (await count(s1r1!.url, "c.local")) === 40 &&
              (await count(s1r2!.url, "c.local")) === 40,
          );
          await sleep(500); // a late duplicate would show now
          assert.equal(await count(s1r1!.url, "c.local"), 40);
          assert.equal(await count(s1r2!.url, "c.local"), 40);
        },
      );

      await t.step("a Distributed table spreads rows over both shards", async () => {
        // insert_distributed_sync: the rows are on their shards when the insert returns.
        await clusterSql(s2r1!.url, "INSERT INTO c.dist FORMAT JSONEachRow", {
          body: rows(1000, 200),
          settings: { insert_distributed_sync: 1 },
        });
        await until(
          "the other shard's replica has its rows",
          10_000,
          async () =>
            (await count(s2r2!.url, "c.local")) + (await count(s1r2!.url, "c.local")) === 240,
        );
        const shard2 = await count(s2r1!.url, "c.local");
        assert.ok(shard2 > 0 && shard2 < 200, `shard 2 holds part of the 200 rows (${shard2})`);
        for (const n of cluster.nodes) assert.equal(await count(n.url, "c.dist"), 240, n.url);
      });

      await t.step("a frozen node answers nothing until it is thawed", async () => {
        s2r2!.freeze();
        const t0 = Date.now();
        const err = await clusterSql(s2r2!.url, "SELECT 1", { timeoutMs: 1000 }).then(
          () => undefined,
          (e) => e,
        );
        s2r2!.thaw();
        assert.ok(err instanceof ClusterSqlError && err.status === 0, String(err));
        assert.ok(Date.now() - t0 >= 900, "it timed out, it was not refused");
        await until(
          "the thawed node answers",
          5_000,
          async () => (await clusterSql(s2r2!.url, "SELECT 1", { timeoutMs: 1000 })) === "1\n",
        );
      });

      await t.step("a replica killed with -9 and started again catches up", async () => {
        const oldPid = s1r2!.pid;
        await s1r2!.kill();
        assert.equal(alive(oldPid), false, "the process is gone");
        const refused = await clusterSql(s1r2!.url, "SELECT 1", { timeoutMs: 2000 }).then(
          () => undefined,
          (e) => e,
        );
        assert.ok(refused instanceof ClusterSqlError && refused.status === 0, String(refused));
        await insert(s1r1!.url, "c.local", rows(5000, 10)); // written while it is down
        const shard1 = await count(s1r1!.url, "c.local");
        const t0 = Date.now();
        await s1r2!.start();
        assert.notEqual(s1r2!.pid, oldPid);
        assert.equal(await (await fetch(`${s1r2!.url}/ping`)).text(), "Ok.\n");
        await until(
          "the restarted replica catches up",
          30_000,
          async () => (await count(s1r2!.url, "c.local")) === shard1,
        );
        console.log(`FIGURE cluster replica restart to caught up: ${Date.now() - t0} ms`);
      });

      await t.step(
        "ZooKeeper stopped: inserts fail read-only (242); started: they work",
        async () => {
          await cluster.zookeeper!.stop();
          let code: number | undefined;
          let succeeded = 0;
          await until("an insert failing with code 242", 15_000, async () => {
            try {
              await insert(s1r1!.url, "c.local", rows(7000, 1), 5000);
              succeeded++;
            } catch (e) {
              code = (e as ClusterSqlError).code;
            }
            return code === 242;
          });
          assert.equal(succeeded, 0, "no insert succeeds while ZooKeeper is down");
          assert.equal(code, 242);
          const t0 = Date.now();
          await cluster.zookeeper!.start();
          await until("an insert succeeding again", 30_000, async () => {
            await insert(s1r1!.url, "c.local", rows(9000, 5), 5000);
            return true;
          });
          console.log(`FIGURE cluster ZooKeeper back to writable: ${Date.now() - t0} ms`);
          const shard1 = await count(s1r1!.url, "c.local");
          await until(
            "replicated to s1r2",
            15_000,
            async () => (await count(s1r2!.url, "c.local")) === shard1,
          );
        },
      );
    } finally {
      await cluster.stop();
    }
    assert.deepEqual(pids.filter(alive), [], "stop() leaves no process behind");
  },
});

Deno.test({
  name: "cluster: 2 x 1 without ZooKeeper: plain MergeTree behind a Distributed table",
  ignore: clusterMissing({ zookeeper: false }) !== undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const started = Date.now();
    const cluster = await startCluster({ shards: 2, replicas: 1, zookeeper: false, name: "flat" });
    console.log(`FIGURE cluster 2x1 start: ${Date.now() - started} ms`);
    const pids = cluster.nodes.map((n) => n.pid);
    try {
      assert.equal(cluster.zookeeper, null);
      assert.equal(cluster.shards.length, 2);
      for (const n of cluster.nodes) {
        await clusterSql(n.url, "CREATE DATABASE p");
        await clusterSql(
          n.url,
          "CREATE TABLE p.local (id UInt64, note String) ENGINE = MergeTree ORDER BY id",
        );
        await clusterSql(
          n.url,
          "CREATE TABLE p.dist AS p.local ENGINE = Distributed(flat, p, local, id)",
        );
      }
      // ON CLUSTER needs ZooKeeper.
      const ddl = await clusterSql(cluster.nodes[0]!.url, "CREATE DATABASE q ON CLUSTER flat").then(
        () => undefined,
        (e) => e,
      );
      assert.ok(ddl instanceof ClusterSqlError, "ON CLUSTER fails without ZooKeeper");
      await insert(cluster.nodes[0]!.url, "p.dist", rows(0, 100));
      await until(
        "both shards hold their rows",
        10_000,
        async () =>
          (await count(cluster.nodes[0]!.url, "p.local")) === 50 &&
          (await count(cluster.nodes[1]!.url, "p.local")) === 50,
      );
      for (const n of cluster.nodes) assert.equal(await count(n.url, "p.dist"), 100);
    } finally {
      await cluster.stop();
    }
    assert.deepEqual(pids.filter(alive), [], "stop() leaves no process behind");
  },
});

const shared = sharedCluster();

Deno.test({
  name: "cluster: the run's shared cluster: every node knows the layout and ZooKeeper",
  ignore: !shared,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { name, shards, urls } = shared!;
    assert.ok(shards.length >= 2 && shards.every((s) => s.length >= 2), JSON.stringify(shards));
    const expected = shards.flatMap((replicas, s) => replicas.map((_, r) => `${s + 1},${r + 1}\n`))
      .join("");
    for (const [i, url] of urls.entries()) {
      const layout = await clusterSql(
        url,
        `SELECT shard_num, replica_num FROM system.clusters WHERE cluster = '${name}' ` +
          `ORDER BY shard_num, replica_num FORMAT CSV`,
      );
      assert.equal(layout, expected, url);
      const shard = shards.findIndex((s) => s.includes(url)) + 1;
      assert.equal(
        await clusterSql(url, "SELECT substitution FROM system.macros WHERE macro = 'shard'"),
        `${shard}\n`,
        `${url} (node ${i})`,
      );
      assert.ok(
        Number(await clusterSql(url, "SELECT count() FROM system.zookeeper WHERE path = '/'")) > 0,
      );
    }
  },
});
