// Starts the test engines: the chDB front always, Debian's clickhouse-server 18.16 when installed.
import { findClickHouseServer, startClickHouse18 } from "./clickhouse18.mjs";
import { startChdbFront } from "./chdb_front.mjs";

export { findClickHouseServer, startChdbFront, startClickHouse18 };

/**
 * @param {{ require18?: boolean }} [options] require18: throw when clickhouse-server is missing.
 * @returns {Promise<{ engines: object[], stopAll(): Promise<void>, missing: string[] }>}
 */
export async function startEngines({ require18 = false } = {}) {
  const has18 = findClickHouseServer() !== null;
  if (!has18 && require18) {
    throw new Error(
      "clickhouse-server (18.16) is required here (CI) but not installed: " +
        "apt-get install -y --no-install-recommends clickhouse-server clickhouse-client",
    );
  }
  const results = await Promise.allSettled([
    startChdbFront(),
    has18 ? startClickHouse18() : Promise.resolve(null),
  ]);
  const engines = results.flatMap((r) => (r.status === "fulfilled" && r.value ? [r.value] : []));
  const stopAll = async () => {
    await Promise.allSettled(engines.map((e) => e.stop()));
  };
  const failed = results.filter((r) => r.status === "rejected");
  if (failed.length > 0) {
    await stopAll();
    throw new AggregateError(
      failed.map((r) => r.reason),
      failed.map((r) => r.reason.message).join("\n"),
    );
  }
  return { engines, stopAll, missing: has18 ? [] : ["clickhouse-18"] };
}
