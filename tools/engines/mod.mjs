// Starts the test engines: the chDB front always, Debian's clickhouse-server 18.16 when installed,
// and a shared 2 x 2 cluster of 18.16 nodes with ZooKeeper (cluster.mjs) when ZooKeeper is too.
import { findClickHouseServer, startClickHouse18 } from "./clickhouse18.mjs";
import { startChdbFront } from "./chdb_front.mjs";
import { findZooKeeper, startCluster } from "./cluster.mjs";

export { findClickHouseServer, findZooKeeper, startChdbFront, startClickHouse18, startCluster };

/**
 * @param {{ require18?: boolean }} [options] require18: throw when clickhouse-server or ZooKeeper
 * (for the cluster) is missing.
 * @returns {Promise<{ engines: object[], cluster: object | null, stopAll(): Promise<void>,
 *   missing: string[] }>}
 */
export async function startEngines({ require18 = false } = {}) {
  const has18 = findClickHouseServer() !== null;
  const hasZk = findZooKeeper() !== null;
  if (!has18 && require18) {
    throw new Error(
      "clickhouse-server (18.16) is required here (CI) but not installed: " +
        "apt-get install -y --no-install-recommends clickhouse-server clickhouse-client",
    );
  }
  if (!hasZk && require18) {
    throw new Error(
      "ZooKeeper (for the test cluster) is required here (CI) but not installed: " +
        "apt-get install -y --no-install-recommends zookeeper",
    );
  }
  const results = await Promise.allSettled([
    startChdbFront(),
    has18 ? startClickHouse18() : Promise.resolve(null),
    has18 && hasZk ? startCluster({ shards: 2, replicas: 2, name: "tusk" }) : Promise.resolve(null),
  ]);
  const cluster = results[2].status === "fulfilled" ? results[2].value : null;
  const engines = results.slice(0, 2).flatMap((r) =>
    r.status === "fulfilled" && r.value ? [r.value] : []
  );
  const stopAll = async () => {
    await Promise.allSettled([...engines, ...(cluster ? [cluster] : [])].map((e) => e.stop()));
  };
  const failed = results.filter((r) => r.status === "rejected");
  if (failed.length > 0) {
    await stopAll();
    throw new AggregateError(
      failed.map((r) => r.reason),
      failed.map((r) => r.reason.message).join("\n"),
    );
  }
  const missing = [...(has18 ? [] : ["clickhouse-18"]), ...(hasZk ? [] : ["zookeeper (cluster)"])];
  return { engines, cluster, stopAll, missing };
}
