// Types of tools/engines/cluster.mjs, for the Deno tests (import it with
// `// @ts-types="<path>/tests/_helpers/_cluster.d.ts"`, or use tests/_helpers/cluster.ts).

/** One clickhouse-server 18.16 node of a cluster. */
export interface ClusterNode {
  /** 1-based; the `{shard}` macro is this number. */
  shard: number;
  /** 1-based; the `{replica}` macro is `s<shard>r<replica>`. */
  replica: number;
  /** `http://127.0.0.1:<httpPort>`. */
  url: string;
  httpPort: number;
  tcpPort: number;
  interserverPort: number;
  /** The running process's pid (the last one, after a kill). */
  readonly pid: number | null;
  /** Whether the process runs (frozen counts as running). */
  readonly running: boolean;
  /** Its folder (config, data, logs), kept across kill() and start(). */
  dir: string;
  /** SIGKILL at once; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts it again in the same folder on the same ports (no-op while it runs); waits for /ping. */
  start(): Promise<void>;
  /** SIGSTOP: it keeps its sockets and answers nothing. */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** SIGCONT if frozen, SIGTERM, SIGKILL after 5 s. */
  stop(): Promise<void>;
}

/** The ZooKeeper server of a cluster. */
export interface ClusterZooKeeper {
  port: number;
  readonly pid: number | null;
  /** SIGTERM (SIGKILL after 5 s). */
  stop(): Promise<void>;
  /** Starts it again with the same data and port; waits for `ruok`. */
  start(): Promise<void>;
  /** SIGKILL at once. */
  kill(): Promise<void>;
}

export interface Cluster {
  /** The cluster's name in `<remote_servers>` (for `ON CLUSTER` and `Distributed`). */
  name: string;
  /** The folder holding every node's folder; removed by stop(). */
  dir: string;
  zookeeper: ClusterZooKeeper | null;
  /** Shard by shard, replica by replica. */
  nodes: ClusterNode[];
  /** Node URLs per shard: `shards[0]` are shard 1's replicas. */
  shards: string[][];
  user: string;
  password: string;
  /** Stops everything (frozen nodes too) and removes the folder. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  shards?: number;
  replicas?: number;
  /** false: no ZooKeeper, no `<zookeeper>`, no distributed DDL (plain MergeTree + Distributed). */
  zookeeper?: boolean;
  name?: string;
}

/** The ZooKeeper session timeout the nodes ask for (ms). */
export const SESSION_TIMEOUT_MS: number;
export function findZooKeeper(): { java: string; classpath: string } | null;
export function startCluster(options?: ClusterOptions): Promise<Cluster>;
