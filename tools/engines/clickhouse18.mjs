// Starts Debian's clickhouse-server 18.16 (a real server with a real HTTP interface) in its own
// folder with its own config, free ports and a `tester` / `P@assw0rd` user. It also serves HTTPS,
// with a certificate signed by a throwaway CA (`caFile`) made at start (test_certificates.mjs).
//
//   const ch = await startClickHouse18();          // fresh folder, free ports
//   ch.url, ch.httpsUrl, ch.caFile                 // http://127.0.0.1:N, https://127.0.0.1:M, CA
//   await ch.stop();                                // SIGTERM, then SIGKILL after 5 s
//   await startClickHouse18({ dir: ch.dir, httpPort: ch.httpPort }); // same data, same port
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { closeSync } from "node:fs";
import https from "node:https";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeTestCertificates } from "./test_certificates.mjs";

/** The test user every started server has (users.d), and its password. */
export const USER = "tester";
export const PASSWORD = "P@assw0rd";

/** Path of the clickhouse-server binary (or of `clickhouse`, run as `clickhouse server`), or null. */
export function findClickHouseServer() {
  const dirs = (process.env.PATH || "").split(":").concat([
    "/usr/sbin",
    "/usr/bin",
    "/usr/local/bin",
  ]);
  for (const name of ["clickhouse-server", "clickhouse"]) {
    for (const d of dirs) {
      const p = join(d, name);
      if (d && existsSync(p)) return p;
    }
  }
  return null;
}

// Listening ports come from below Linux's ephemeral range (32768-60999 by default), where every
// outgoing connection takes its local port: a port that port 0 hands out, once closed, can be
// taken by a client socket (or handed out again) before the server binds it.
const LOW_PORT = 20_000;
const HIGH_PORT = 32_000;

function canBind(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.unref();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/** A free TCP port on 127.0.0.1: a random one from 20000-31999 that can be bound now. */
export async function freePort() {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW_PORT + Math.floor(Math.random() * (HIGH_PORT - LOW_PORT));
    if (await canBind(port)) return port;
  }
  throw new Error(`no free port found in ${LOW_PORT}-${HIGH_PORT - 1}`);
}

function xmlEscape(s) {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Writes `dir`/etc (the packaged config.xml and users.xml, plus config.d/tusk.xml and
 * users.d/tusk.xml) and the data and log folders, and `dir`/ports.json. `tls` null: no HTTPS port.
 * @param {string} dir
 * @param {{ http: number, tcp: number, interserver: number, https?: number }} ports
 * @param {{ certificateFile: string, privateKeyFile: string } | null} tls
 */
export function writeConfig(dir, ports, tls) {
  const etc = join(dir, "etc");
  for (
    const d of [
      "etc/config.d",
      "etc/users.d",
      "data/tmp",
      "data/user_files",
      "data/format_schemas",
      "log",
    ]
  ) {
    mkdirSync(join(dir, d), { recursive: true });
  }
  for (const f of ["config.xml", "users.xml"]) {
    const src = join("/etc/clickhouse-server", f);
    if (!existsSync(src)) throw new Error(`${src} is missing: is clickhouse-server installed?`);
    writeFileSync(join(etc, f), readFileSync(src));
  }
  const data = join(dir, "data") + "/";
  const httpsXml = tls
    ? `    <https_port>${ports.https}</https_port>
    <openSSL>
        <server>
            <certificateFile>${tls.certificateFile}</certificateFile>
            <privateKeyFile>${tls.privateKeyFile}</privateKeyFile>
            <!-- Empty: the built-in DH parameters (the packaged config names a file it lacks). -->
            <dhParamsFile></dhParamsFile>
            <verificationMode>none</verificationMode>
        </server>
    </openSSL>
`
    : "";
  writeFileSync(
    join(etc, "config.d", "tusk.xml"),
    `<?xml version="1.0"?>
<yandex>
    <logger>
        <level>information</level>
        <log>${join(dir, "log", "clickhouse-server.log")}</log>
        <errorlog>${join(dir, "log", "clickhouse-server.err.log")}</errorlog>
        <size>100M</size>
        <count>2</count>
    </logger>
    <path>${data}</path>
    <tmp_path>${data}tmp/</tmp_path>
    <user_files_path>${data}user_files/</user_files_path>
    <format_schema_path>${data}format_schemas/</format_schema_path>
    <listen_host>127.0.0.1</listen_host>
    <http_port>${ports.http}</http_port>
    <tcp_port>${ports.tcp}</tcp_port>
    <interserver_http_port>${ports.interserver}</interserver_http_port>
${httpsXml}    <mark_cache_size>268435456</mark_cache_size>
    <uncompressed_cache_size>268435456</uncompressed_cache_size>
</yandex>
`,
  );
  writeFileSync(
    join(etc, "users.d", "tusk.xml"),
    `<?xml version="1.0"?>
<yandex>
    <users>
        <${USER}>
            <password>${xmlEscape(PASSWORD)}</password>
            <networks><ip>::/0</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </${USER}>
    </users>
</yandex>
`,
  );
  writeFileSync(join(dir, "ports.json"), JSON.stringify(ports));
}

/** Whether a process with this pid exists (a zombie counts). */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The last `n` lines of `file`, or a note that it is missing. */
export function tail(file, n = 30) {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-n).join("\n");
  } catch {
    return `(no ${file})`;
  }
}

/**
 * @param {{ dir?: string, httpPort?: number }} [options] reuse `dir` (data and config) and
 * `httpPort` to restart a server that was stopped or killed.
 */
export async function startClickHouse18({ dir, httpPort } = {}) {
  const bin = findClickHouseServer();
  if (!bin) {
    throw new Error(
      "clickhouse-server not found: install it with " +
        "`apt-get install -y --no-install-recommends clickhouse-server clickhouse-client`",
    );
  }
  dir = dir ?? mkdtempSync(join(tmpdir(), "tusk-ch18-"));
  const old = existsSync(join(dir, "ports.json"))
    ? JSON.parse(readFileSync(join(dir, "ports.json"), "utf8"))
    : null;
  // A server from an earlier start in this folder that is still running would hold the ports.
  const oldPid = readPid(dir);
  if (oldPid && isAlive(oldPid)) await killPid(oldPid);
  const ports = {
    http: httpPort ?? old?.http ?? (await freePort()),
    tcp: old?.tcp ?? (await freePort()),
    interserver: old?.interserver ?? (await freePort()),
    https: old?.https ?? (await freePort()),
  };
  if (httpPort) ports.http = httpPort;
  const tls = makeTestCertificates(join(dir, "tls"));
  writeConfig(dir, ports, tls);
  const args = bin.endsWith("/clickhouse") ? ["server"] : [];
  args.push(`--config-file=${join(dir, "etc", "config.xml")}`);
  const out = openSync(join(dir, "log", "stdout.log"), "a");
  const child = spawn(bin, args, { cwd: dir, stdio: ["ignore", out, out] });
  closeSync(out);
  // Our own pid file (the server writes one only with --daemon): a later start or stop() in this
  // folder finds a server that someone else (a restart test) started here.
  writeFileSync(join(dir, "server.pid"), String(child.pid));
  let exited = null;
  const exitP = new Promise((resolve) =>
    child.once("exit", (code, signal) => resolve(exited = { code, signal }))
  );
  child.once("error", (e) => (exited = { code: -1, signal: String(e) }));
  const url = `http://127.0.0.1:${ports.http}`;
  // The server listens on 127.0.0.1 only, and `localhost` may resolve to ::1 first; the
  // certificate names both.
  const httpsUrl = `https://127.0.0.1:${ports.https}`;
  const ca = readFileSync(tls.caFile);
  const errLog = join(dir, "log", "clickhouse-server.err.log");
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) {
      throw new Error(
        `clickhouse-server exited during start-up (${JSON.stringify(exited)}); ${errLog}:\n${
          tail(errLog)
        }` +
          `\nstdout/stderr:\n${tail(join(dir, "log", "stdout.log"))}`,
      );
    }
    try {
      const r = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
      if ((await r.text()) === "Ok.\n" && (await httpsPing(httpsUrl, ca)) === "Ok.\n") break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      await stopChild(child, exitP);
      throw new Error(
        `clickhouse-server did not answer ${url}/ping and ${httpsUrl}/ping within 30 s; ` +
          `${errLog}:\n${tail(errLog)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid;
  return {
    name: "clickhouse-18",
    url,
    user: USER,
    password: PASSWORD,
    pid,
    dir,
    httpPort: ports.http,
    httpsUrl,
    httpsPort: ports.https,
    caFile: tls.caFile,
    binary: bin,
    version: await fetch(`${url}/?query=SELECT%20version()`).then((r) => r.text()).then((t) =>
      t.trim()
    ),
    /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
    async stop() {
      if (!exited) await stopChild(child, exitP);
      // The server may have been restarted by someone else in this folder (restart tests).
      const p = readPid(dir);
      if (p && p !== pid && isAlive(p)) await killPid(p);
    },
    /** SIGKILL at once, for fault-injection tests. */
    async kill() {
      if (!exited) {
        child.kill("SIGKILL");
        await exitP;
      }
    },
  };
}

// GET /ping over HTTPS trusting `ca` only: the body, or null while the port is not up.
function httpsPing(base, ca) {
  return new Promise((resolve) => {
    const req = https.get(`${base}/ping`, { ca, timeout: 1000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve(body));
      res.on("error", () => resolve(null));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(null));
  });
}

function readPid(dir) {
  try {
    const n = Number(readFileSync(join(dir, "server.pid"), "utf8").trim());
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** SIGTERM to a child process, SIGKILL after 5 s; resolves with `exitP` (its exit). */
export async function stopChild(child, exitP) {
  child.kill("SIGTERM");
  const t = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exitP;
  clearTimeout(t);
}

/** SIGTERM to `pid`, SIGKILL after 5 s; resolves once it is gone (2 s more at most). */
export async function killPid(pid) {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  const deadline = Date.now() + 5000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch { /* gone */ }
    // A zombie (exited, not yet reaped by its parent) stays "alive" to kill(0): wait 2 s at most.
    const end = Date.now() + 2000;
    while (isAlive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  }
}
