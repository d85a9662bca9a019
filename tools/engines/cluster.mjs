// Starts a real ClickHouse cluster on 127.0.0.1: Debian's ZooKeeper 3.8 (java, from the jars in
// /usr/share/java) and shards x replicas clickhouse-server 18.16 processes, each in its own folder
// with its own config and free ports, the `tester` / `P@assw0rd` user, `<remote_servers>` naming
// the cluster (`internal_replication` per shard), `<macros>` (shard "1", "2", ...; replica
// "s1r1", "s1r2", ...), `<zookeeper>` and `<distributed_ddl>`. Without ZooKeeper (the 2 x 1
// variant) there is neither: plain MergeTree + Distributed work, `ON CLUSTER` does not.
//
//   const c = await startCluster();              // 2 x 2 with ZooKeeper, cluster "tusk"
//   c.shards                                      // [[url s1r1, url s1r2], [url s2r1, url s2r2]]
//   c.nodes[1].kill(); await c.nodes[1].start();  // SIGKILL, then the same folder and ports
//   c.nodes[0].freeze(); c.nodes[0].thaw();       // SIGSTOP / SIGCONT: requests time out meanwhile
//   await c.zookeeper.stop(); await c.zookeeper.start();
//   await c.stop();                               // everything (frozen nodes too), folder removed
//
//   const small = await startCluster({ shards: 2, replicas: 1, zookeeper: false });
//
// Start-up: every node in parallel, each waits for its /ping (30 s at most; the error carries the
// node's err log tail). A start that fails half way stops what it started. Set
// TUSK_KEEP_CLUSTER_DIR=1 to keep the folder (logs) after stop().
import { spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  findClickHouseServer,
  freePort,
  PASSWORD,
  tail,
  USER,
  writeConfig,
} from "./clickhouse18.mjs";

const ZK_JARS = [
  "/usr/share/java/zookeeper.jar",
  "/usr/share/java/log4j-1.2.jar",
  "/usr/share/java/slf4j-log4j12.jar",
];

/** The ZooKeeper session timeout the nodes ask for: a killed node's session ends within it. */
export const SESSION_TIMEOUT_MS = 5000;

/** `{ java, classpath }` when Debian's zookeeper package and java are installed, else null. */
export function findZooKeeper() {
  if (!ZK_JARS.every((j) => existsSync(j))) return null;
  const dirs = (process.env.PATH || "").split(":").concat(["/usr/bin", "/usr/local/bin"]);
  for (const d of dirs) {
    const p = join(d, "java");
    if (d && existsSync(p)) return { java: p, classpath: ZK_JARS.join(":") };
  }
  return null;
}

// Every child we started and that still runs: killed (SIGKILL) if this process exits first.
const live = new Set();
let exitHooked = false;
function track(child) {
  live.add(child);
  child.once("exit", () => live.delete(child));
  if (!exitHooked) {
    exitHooked = true;
    process.once("exit", () => {
      for (const c of live) send(c.pid, "SIGKILL");
    });
  }
}

// Signals go by pid: Deno's child_process ignores child.kill() after a first signal (SIGSTOP
// included), where Node sends it.
function send(pid, sig) {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Free ports, distinct from each other and from `taken`.
async function freePorts(n, taken) {
  const out = [];
  while (out.length < n) {
    const p = await freePort();
    if (!taken.has(p)) {
      taken.add(p);
      out.push(p);
    }
  }
  return out;
}

/**
 * One process we start, kill, freeze and restart with the same command line.
 * @param {{ label: string, cmd: string, args: string[], cwd: string, log: string,
 *   errLog: string, ready: () => Promise<boolean>, timeoutMs?: number }} spec
 */
function managed(spec) {
  let child = null;
  let exitP = null;
  let exited = null;
  let frozen = false;
  const running = () => child !== null && exited === null;
  const signal = (sig) => {
    if (running()) send(child.pid, sig);
  };
  const proc = {
    get pid() {
      return child?.pid ?? null;
    },
    get running() {
      return running();
    },
    /** Starts the process (no-op while it runs) and waits until it is ready. */
    async start() {
      if (!running()) {
        const out = openSync(spec.log, "a");
        child = spawn(spec.cmd, spec.args, { cwd: spec.cwd, stdio: ["ignore", out, out] });
        closeSync(out);
        track(child);
        exited = null;
        frozen = false;
        const c = child;
        exitP = new Promise((resolve) =>
          c.once("exit", (code, sig) => {
            if (c === child) exited = { code, signal: sig };
            resolve();
          })
        );
        c.once("error", (e) => {
          if (c === child) exited = { code: -1, signal: String(e) };
        });
        writeFileSync(join(spec.cwd, "server.pid"), String(c.pid));
      }
      const deadline = Date.now() + (spec.timeoutMs ?? 30_000);
      for (;;) {
        if (exited) {
          throw new Error(
            `${spec.label} exited during start-up (${JSON.stringify(exited)}); ${spec.errLog}:\n` +
              `${tail(spec.errLog)}\n${spec.log}:\n${tail(spec.log)}`,
          );
        }
        if (await spec.ready().catch(() => false)) return;
        if (Date.now() > deadline) {
          const where = `${spec.errLog}:\n${tail(spec.errLog)}`;
          await proc.stop();
          throw new Error(
            `${spec.label} was not ready within ${spec.timeoutMs ?? 30_000} ms; ${where}`,
          );
        }
        await sleep(50);
      }
    },
    /** SIGKILL at once; resolves once the process is gone. */
    async kill() {
      if (!running()) return;
      send(child.pid, "SIGKILL");
      await exitP;
    },
    /** SIGSTOP: the process holds its sockets and answers nothing (all its threads stopped). */
    freeze() {
      signal("SIGSTOP");
      frozen = running();
      if (frozen) waitThreads(child.pid, true);
    },
    /** SIGCONT after freeze(). */
    thaw() {
      signal("SIGCONT");
      if (frozen) waitThreads(child.pid, false);
      frozen = false;
    },
    /** SIGCONT if frozen, SIGTERM, SIGKILL after 5 s; resolves once the process is gone. */
    async stop() {
      if (!running()) return;
      const pid = child.pid;
      if (frozen) send(pid, "SIGCONT");
      frozen = false;
      send(pid, "SIGTERM");
      const t = setTimeout(() => send(pid, "SIGKILL"), 5000);
      await exitP;
      clearTimeout(t);
    },
  };
  return proc;
}

// A signal reaches each thread of a process on its own: waits (1 s at most, synchronously) until
// every thread of `pid` is stopped (or none is), so that a request sent right after freeze() finds
// no thread still running.
function waitThreads(pid, stopped) {
  const deadline = Date.now() + 1000;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (Date.now() < deadline) {
    let all = true;
    try {
      for (const t of readdirSync(`/proc/${pid}/task`)) {
        const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, "utf8");
        const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
        if ((state === "T" || state === "t") !== stopped) all = false;
      }
    } catch {
      return; // no /proc, or the process is gone
    }
    if (all) return;
    Atomics.wait(pause, 0, 0, 2);
  }
}

// `imok` to ZooKeeper's four-letter `ruok`.
function ruok(port) {
  return new Promise((resolve) => {
    let got = "";
    const s = net.connect({ host: "127.0.0.1", port }, () => s.end("ruok"));
    s.setTimeout(1000, () => s.destroy());
    s.on("data", (d) => (got += d));
    s.on("error", () => resolve(false));
    s.on("close", () => resolve(got === "imok"));
  });
}

async function ping(url) {
  const r = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
  return (await r.text()) === "Ok.\n";
}

function zooKeeperProcess(dir, port) {
  const found = findZooKeeper();
  if (!found) {
    throw new Error(
      "ZooKeeper not found: install it with `apt-get install -y --no-install-recommends zookeeper`",
    );
  }
  const conf = join(dir, "conf");
  mkdirSync(conf, { recursive: true });
  mkdirSync(join(dir, "data"), { recursive: true });
  writeFileSync(
    join(conf, "zoo.cfg"),
    [
      "tickTime=1000",
      `dataDir=${join(dir, "data")}`,
      `clientPort=${port}`,
      "clientPortAddress=127.0.0.1",
      "admin.enableServer=false",
      "4lw.commands.whitelist=ruok,srvr,mntr",
      "maxClientCnxns=0",
      // A test server: no fsync per write, no 64 MB preallocated log files.
      "forceSync=no",
      "preAllocSize=4096",
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(conf, "log4j.properties"),
    [
      "log4j.rootLogger=INFO, FILE",
      "log4j.appender.FILE=org.apache.log4j.FileAppender",
      `log4j.appender.FILE.File=${join(dir, "zookeeper.log")}`,
      "log4j.appender.FILE.layout=org.apache.log4j.PatternLayout",
      "log4j.appender.FILE.layout.ConversionPattern=%d{ISO8601} %-5p [%t] %c{1}: %m%n",
      "",
    ].join("\n"),
  );
  return managed({
    label: `zookeeper on 127.0.0.1:${port}`,
    cmd: found.java,
    args: [
      "-Xmx256m",
      "-XX:+UseSerialGC",
      "-Dzookeeper.admin.enableServer=false",
      "-cp",
      `${conf}:${found.classpath}`,
      "org.apache.zookeeper.server.quorum.QuorumPeerMain",
      join(conf, "zoo.cfg"),
    ],
    cwd: dir,
    log: join(dir, "stdout.log"),
    errLog: join(dir, "zookeeper.log"),
    ready: () => ruok(port),
  });
}

function clusterXml({ name, layout, node, zkPort }) {
  const shardsXml = layout.map((replicas) =>
    `            <shard>
                <internal_replication>true</internal_replication>
${
      replicas.map((r) =>
        `                <replica>
                    <host>127.0.0.1</host>
                    <port>${r.tcp}</port>
                    <user>${USER}</user>
                    <password>${PASSWORD.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</password>
                </replica>`
      ).join("\n")
    }
            </shard>`
  ).join("\n");
  const zk = zkPort === null
    // No ZooKeeper: nor the packaged config's distributed DDL queue.
    ? `    <distributed_ddl remove="remove"/>`
    : `    <zookeeper>
        <node>
            <host>127.0.0.1</host>
            <port>${zkPort}</port>
        </node>
        <session_timeout_ms>${SESSION_TIMEOUT_MS}</session_timeout_ms>
    </zookeeper>
    <distributed_ddl>
        <path>/clickhouse/task_queue/ddl</path>
    </distributed_ddl>`;
  return `<?xml version="1.0"?>
<yandex>
    <interserver_http_host>127.0.0.1</interserver_http_host>
    <remote_servers>
        <${name}>
${shardsXml}
        </${name}>
    </remote_servers>
    <macros>
        <shard>${node.shard}</shard>
        <replica>s${node.shard}r${node.replica}</replica>
    </macros>
${zk}
</yandex>
`;
}

/**
 * Starts ZooKeeper (unless `zookeeper` is false) and `shards` x `replicas` clickhouse-server 18.16
 * nodes forming the cluster `name`.
 * @param {{ shards?: number, replicas?: number, zookeeper?: boolean, name?: string }} [options]
 */
export async function startCluster(options = {}) {
  // A port taken between choosing it and the server binding it (another process's start) fails
  // one node's start-up: start again on fresh ports, a few times.
  for (let attempt = 1;; attempt++) {
    try {
      return await startClusterOnce(options);
    } catch (error) {
      if (attempt >= 3 || !/Address already in use/.test(String(error?.message))) throw error;
      console.error(`[cluster] a port was taken during start-up; starting again (${attempt})`);
    }
  }
}

async function startClusterOnce(
  { shards = 2, replicas = 2, zookeeper = true, name = "tusk" } = {},
) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`bad cluster name ${name}`);
  const bin = findClickHouseServer();
  if (!bin) {
    throw new Error(
      "clickhouse-server not found: install it with " +
        "`apt-get install -y --no-install-recommends clickhouse-server clickhouse-client`",
    );
  }
  if (zookeeper && !findZooKeeper()) {
    throw new Error(
      "ZooKeeper not found: install it with `apt-get install -y --no-install-recommends zookeeper`",
    );
  }
  const root = mkdtempSync(join(tmpdir(), "tusk-cluster-"));
  const taken = new Set();
  const zkPort = zookeeper ? (await freePorts(1, taken))[0] : null;
  const layout = [];
  for (let s = 1; s <= shards; s++) {
    const row = [];
    for (let r = 1; r <= replicas; r++) {
      const [http, tcp, interserver] = await freePorts(3, taken);
      row.push({ shard: s, replica: r, http, tcp, interserver });
    }
    layout.push(row);
  }

  const zkProc = zookeeper ? zooKeeperProcess(join(root, "zk"), zkPort) : null;
  const nodes = layout.flat().map((n) => {
    const dir = join(root, `s${n.shard}r${n.replica}`);
    writeConfig(dir, { http: n.http, tcp: n.tcp, interserver: n.interserver }, null);
    writeFileSync(
      join(dir, "etc", "config.d", "cluster.xml"),
      clusterXml({ name, layout, node: n, zkPort }),
    );
    const url = `http://127.0.0.1:${n.http}`;
    const args = bin.endsWith("/clickhouse") ? ["server"] : [];
    args.push(`--config-file=${join(dir, "etc", "config.xml")}`);
    const proc = managed({
      label: `clickhouse-server s${n.shard}r${n.replica} (${url})`,
      cmd: bin,
      args,
      cwd: dir,
      log: join(dir, "log", "stdout.log"),
      errLog: join(dir, "log", "clickhouse-server.err.log"),
      ready: () => ping(url),
    });
    return {
      shard: n.shard,
      replica: n.replica,
      url,
      httpPort: n.http,
      tcpPort: n.tcp,
      interserverPort: n.interserver,
      get pid() {
        return proc.pid;
      },
      dir,
      kill: proc.kill,
      start: proc.start,
      freeze: proc.freeze,
      thaw: proc.thaw,
      stop: proc.stop,
      get running() {
        return proc.running;
      },
    };
  });

  const stop = async () => {
    // Nodes first (they close their ZooKeeper sessions), then ZooKeeper.
    await Promise.allSettled(nodes.map((n) => n.stop()));
    if (zkProc) await zkProc.stop().catch(() => {});
    if (process.env.TUSK_KEEP_CLUSTER_DIR !== "1") {
      rmSync(root, { recursive: true, force: true });
    }
  };

  try {
    // ZooKeeper first: the nodes' replicated tables and DDL queue want it from the start.
    if (zkProc) await zkProc.start();
    const results = await Promise.allSettled(nodes.map((n) => n.start()));
    const failed = results.filter((r) => r.status === "rejected");
    if (failed.length > 0) {
      throw new AggregateError(
        failed.map((r) => r.reason),
        failed.map((r) => r.reason.message).join("\n"),
      );
    }
  } catch (e) {
    // The error carries the failing process's log tail; the folder goes as after stop().
    await stop();
    throw e;
  }

  return {
    name,
    dir: root,
    zookeeper: zkProc
      ? {
        port: zkPort,
        get pid() {
          return zkProc.pid;
        },
        stop: zkProc.stop,
        start: zkProc.start,
        kill: zkProc.kill,
      }
      : null,
    nodes,
    shards: layout.map((row) => row.map((n) => `http://127.0.0.1:${n.http}`)),
    user: USER,
    password: PASSWORD,
    stop,
  };
}
