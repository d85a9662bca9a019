// The test cluster: the shared 2 x 2 one tools/test.mjs starts for the whole run (for tests that
// do not break it: DDL, routing, reading), startCluster() for tests that kill, freeze or stop
// parts of their own cluster, and raw SQL against one node.
//
// tools/test.mjs sets TUSK_TEST_CLUSTER_NAME (the `<remote_servers>` name) and
// TUSK_TEST_CLUSTER_SHARDS (JSON: node URLs per shard, `[["http://127.0.0.1:A", ...], ...]`).
import { Buffer } from "node:buffer";
import type { TestEngine } from "./engines.ts";
// @ts-types="./_cluster.d.ts"
import {
  findZooKeeper as findZooKeeperUntyped,
  startCluster as startClusterUntyped,
} from "../../tools/engines/cluster.mjs";
// @ts-types="../integration/faults/_clickhouse18.d.ts"
import { findClickHouseServer } from "../../tools/engines/clickhouse18.mjs";
import type { Cluster, ClusterOptions } from "./_cluster.d.ts";

export type { Cluster, ClusterNode, ClusterOptions, ClusterZooKeeper } from "./_cluster.d.ts";

/** Starts a cluster of its own (ZooKeeper and clickhouse-server 18.16 nodes on 127.0.0.1). */
export const startCluster: (options?: ClusterOptions) => Promise<Cluster> = startClusterUntyped;

/** The shared cluster of this test run, as tools/test.mjs describes it. */
export interface SharedCluster {
  name: string;
  /** Node URLs per shard. */
  shards: string[][];
  /** Every node's URL, shard by shard. */
  urls: string[];
  user: string;
  password: string;
}

function env(name: string): string | undefined {
  return Deno.env.get(name) || undefined;
}

let reportedShared = false;

/** The run's shared cluster, or undefined (a note printed once): use `ignore: !cluster`. */
export function sharedCluster(): SharedCluster | undefined {
  const name = env("TUSK_TEST_CLUSTER_NAME");
  const shards = env("TUSK_TEST_CLUSTER_SHARDS");
  if (!name || !shards) {
    if (!reportedShared) {
      reportedShared = true;
      console.warn(
        "SKIP shared-cluster tests: no cluster in this run (clickhouse-server 18.16 and " +
          "ZooKeeper must be installed: `apt-get install -y --no-install-recommends zookeeper`; " +
          "then `npm test`)",
      );
    }
    return undefined;
  }
  const parsed = JSON.parse(shards) as string[][];
  return {
    name,
    shards: parsed,
    urls: parsed.flat(),
    user: env("TUSK_TEST_USER") ?? "tester",
    password: env("TUSK_TEST_PASSWORD") ?? "P@assw0rd",
  };
}

const reportedInstall = new Set<string>();

/**
 * Why startCluster() cannot run here (a note printed once), or undefined when it can:
 * `ignore: clusterMissing() !== undefined`. `zookeeper` false: only clickhouse-server is needed.
 */
export function clusterMissing({ zookeeper = true } = {}): string | undefined {
  let reason: string | undefined;
  if (findClickHouseServer() === null) {
    reason = "clickhouse-server 18.16 not installed: " +
      "`apt-get install -y --no-install-recommends clickhouse-server clickhouse-client`";
  } else if (zookeeper && findZooKeeperUntyped() === null) {
    reason = "ZooKeeper not installed: `apt-get install -y --no-install-recommends zookeeper`";
  }
  if (reason && !reportedInstall.has(reason)) {
    reportedInstall.add(reason);
    console.warn(`SKIP cluster tests: ${reason}`);
  }
  return reason;
}

/** One node as a TestEngine, for the helpers of ./engines.ts (sql, selectRows, ...). */
export function nodeEngine(url: string, user = "tester", password = "P@assw0rd"): TestEngine {
  return { name: "clickhouse-18", url, user, password, modern: false };
}

/** A failed clusterSql(): the HTTP status (0: no answer) and ClickHouse's `Code: N`, if any. */
export class ClusterSqlError extends Error {
  constructor(message: string, readonly status: number, readonly code?: number) {
    super(message);
    this.name = "ClusterSqlError";
  }
}

/**
 * Runs `query` on one node as `tester` (with `body` as its data, if given, and `settings` in the
 * URL), within `timeoutMs`.
 * Throws ClusterSqlError on a non-2xx answer (with its code) or when no answer came (status 0).
 */
export async function clusterSql(
  nodeUrl: string,
  query: string,
  { body, settings = {}, timeoutMs = 10_000, user = "tester", password = "P@assw0rd" }: {
    body?: string;
    settings?: Record<string, string | number>;
    timeoutMs?: number;
    user?: string;
    password?: string;
  } = {},
): Promise<string> {
  const params = new URLSearchParams(
    Object.entries(settings).map(([k, v]) => [k, String(v)]),
  );
  if (body !== undefined) params.set("query", query);
  const url = `${nodeUrl}/?${params}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: {
        Authorization: "Basic " + Buffer.from(`${user}:${password}`).toString("base64"),
      },
      body: body ?? query,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    throw new ClusterSqlError(
      `${nodeUrl}: no answer (${(e as Error).message})\nquery: ${query}`,
      0,
    );
  }
  const text = await res.text();
  if (!res.ok) {
    const code = /Code: (\d+)/.exec(text)?.[1];
    throw new ClusterSqlError(
      `${nodeUrl} HTTP ${res.status}: ${text.trim()}\nquery: ${query}`,
      res.status,
      code === undefined ? undefined : Number(code),
    );
  }
  return text;
}
