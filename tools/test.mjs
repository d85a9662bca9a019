#!/usr/bin/env node
// The test runner behind `npm test`: starts the engines, runs the static checks, `deno test`, then
// the Node, Bun and Workers suites (tests/runtime/<runtime>/) against the same engines, stops the
// engines whatever happens, and fails when any suite failed.
//
//   npm test                          # all of tests/
//   npm test -- tests/foo_test.ts     # one file (extra arguments go to `deno test`), no runtime suites
//   TUSK_SKIP_RUNTIMES=1 npm test     # `deno test` only
//
// TUSK_TEST_CH18_URL / TUSK_TEST_CHDB_URL already set: those engines are used, none are started
// (the HTTPS tests need TUSK_TEST_CH18_HTTPS_URL and TUSK_TEST_CA_FILE too, else they skip).
// CI set: clickhouse-server 18.16 and ZooKeeper must be installed.
//
// The shared test cluster (2 shards x 2 replicas of 18.16 with ZooKeeper, tools/engines/cluster.mjs;
// for tests that do not break it) reaches the tests as TUSK_TEST_CLUSTER_NAME (its
// `<remote_servers>` name) and TUSK_TEST_CLUSTER_SHARDS (JSON: node URLs per shard,
// `[["http://127.0.0.1:A","http://127.0.0.1:B"],[...]]`); tests/_helpers/cluster.ts reads them.
// With engines preset in the environment no cluster is started either: set both variables to use
// one, else the shared-cluster tests skip.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEngines } from "./engines/mod.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const deno = join(root, "node_modules", ".bin", "deno");
const extra = process.argv.slice(2);

let stopAll = async () => {};
let starting = Promise.resolve();
let child = null;
let stopping = false;
let interrupted = false; // Ctrl-C: the suite running ends, no further suite starts

async function finish(code) {
  if (stopping) return;
  stopping = true;
  const t = Date.now();
  await starting.catch(() => {}); // interrupted while engines start: wait for them, then stop them
  await stopAll();
  if (process.env.TUSK_TEST_VERBOSE) {
    console.error(`[test] engines stopped in ${Date.now() - t} ms`);
  }
  process.exit(code);
}

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    interrupted = true;
    if (child && child.exitCode === null) child.kill(sig);
    else finish(130);
  });
}

// Runs a command with its output passed through; the tail of what it printed is kept so the
// pass/fail counts of each suite can be added up at the end.
function run(cmd, args, env) {
  return new Promise((resolve) => {
    child = spawn(cmd, args, { cwd: root, env, stdio: ["inherit", "pipe", "pipe"] });
    let tail = "";
    const keep = (out) => (chunk) => {
      out.write(chunk);
      tail = (tail + chunk.toString("utf8")).slice(-20_000);
    };
    child.stdout.on("data", keep(process.stdout));
    child.stderr.on("data", keep(process.stderr));
    child.once("error", (e) => {
      console.error(`[test] cannot run ${cmd}: ${e.message}`);
      resolve(127);
    });
    child.once("close", (code, signal) => {
      lastOutput = tail;
      resolve(code ?? 128 + (constants.signals[signal] ?? 0));
    });
  });
}

let lastOutput = "";

// Pass/fail counts from the closing lines of deno test, node --test and bun test.
function counts(output) {
  // deno-lint-ignore no-control-regex
  const text = output.replace(/\x1b\[[0-9;]*m/g, "");
  const deno = /\| (\d+) passed.*?\| (\d+) failed/.exec(text);
  if (deno) return { passed: Number(deno[1]), failed: Number(deno[2]) };
  const node = [/ℹ pass (\d+)/.exec(text), /ℹ fail (\d+)/.exec(text)];
  if (node[0] && node[1]) {
    // A test cancelled (its suite's `before` failed) did not pass: count it as failed.
    const cancelled = Number(/ℹ cancelled (\d+)/.exec(text)?.[1] ?? 0);
    return { passed: Number(node[0][1]), failed: Number(node[1][1]) + cancelled };
  }
  const bun = [/^\s*(\d+) pass$/m.exec(text), /^\s*(\d+) fail$/m.exec(text)];
  if (bun[0] && bun[1]) return { passed: Number(bun[0][1]), failed: Number(bun[1][1]) };
  return undefined;
}

async function main() {
  const env = { ...process.env };
  const preset = env.TUSK_TEST_CH18_URL || env.TUSK_TEST_CHDB_URL;
  if (preset) {
    console.error("[test] using engines from the environment (TUSK_TEST_*_URL)");
    env.TUSK_TEST_USER ??= "tester";
    env.TUSK_TEST_PASSWORD ??= "P@assw0rd";
  } else {
    const t = Date.now();
    const startP = startEngines({ require18: Boolean(process.env.CI) });
    starting = startP.then((s) => {
      stopAll = s.stopAll;
    });
    const started = await startP;
    await starting;
    if (stopping) return; // interrupted while starting: finish() stops the engines
    for (const e of started.engines) {
      const at = e.httpsUrl ? `${e.url} and ${e.httpsUrl}` : e.url;
      console.error(`[test] ${e.name} ${e.version} at ${at} (pid ${e.pid})`);
      if (e.name === "clickhouse-18") {
        env.TUSK_TEST_CH18_URL = e.url;
        env.TUSK_TEST_CH18_DIR = e.dir;
        env.TUSK_TEST_CH18_HTTP_PORT = String(e.httpPort);
        env.TUSK_TEST_CH18_PID = String(e.pid);
        // Its HTTPS port, whose certificate only the throwaway CA in caFile vouches for.
        env.TUSK_TEST_CH18_HTTPS_URL = e.httpsUrl;
        env.TUSK_TEST_CA_FILE = e.caFile;
      } else {
        env.TUSK_TEST_CHDB_URL = e.url;
        env.TUSK_TEST_CHDB_DIR = e.dir;
      }
    }
    if (started.cluster) {
      const c = started.cluster;
      env.TUSK_TEST_CLUSTER_NAME = c.name;
      env.TUSK_TEST_CLUSTER_SHARDS = JSON.stringify(c.shards);
      console.error(
        `[test] cluster ${c.name} (${c.shards.length} x ${c.shards[0].length}, ZooKeeper on ` +
          `127.0.0.1:${c.zookeeper.port}) at ${c.shards.flat().join(" ")}`,
      );
    }
    for (const m of started.missing) {
      console.error(`[test] ${m} not installed: its tests are skipped`);
    }
    console.error(`[test] engines ready in ${Date.now() - t} ms`);
    env.TUSK_TEST_USER = "tester";
    env.TUSK_TEST_PASSWORD = "P@assw0rd";
  }

  // ---- static checks: fmt, lint, type check, doc lint, publish dry run ----
  if (!process.env.TUSK_SKIP_CHECKS) {
    const code = await run(process.execPath, [join(root, "tools", "check.mjs")], env);
    if (code !== 0) {
      console.error(`[test] static checks failed (exit ${code}); TUSK_SKIP_CHECKS=1 skips them`);
      return finish(code);
    }
  }
  // ---- end of static checks ----

  if (!existsSync(deno)) {
    console.error(`[test] ${deno} is missing: run npm ci`);
    return finish(127);
  }
  const paths = extra.some((a) => !a.startsWith("-") && existsSync(join(root, a)))
    ? []
    : ["tests/"];
  const code = await run(deno, ["test", "-A", ...extra, ...paths], env);
  const denoCounts = counts(lastOutput);
  // One file or filter asked for: only `deno test`. Otherwise every runtime's suite too.
  if (paths.length === 0 || process.env.TUSK_SKIP_RUNTIMES || interrupted) return finish(code);
  const results = [["deno", code, denoCounts], ...await runtimeSuites(env)];
  let passed = 0;
  let failed = 0;
  for (const [name, c, n] of results) {
    const tally = n ? ` (${n.passed} passed, ${n.failed} failed)` : "";
    console.error(`[test] ${name} suite: ${c === 0 ? "passed" : `FAILED (exit ${c})`}${tally}`);
    passed += n?.passed ?? 0;
    // A suite that failed without a failing test (it crashed) still counts once.
    failed += Math.max(n?.failed ?? 0, c === 0 ? 0 : 1);
  }
  // The plain closing line CI reads: every suite's tests added up.
  console.log(`tests: ${passed} passed, ${failed} failed`);
  return finish(results.some(([, c]) => c !== 0) ? 1 : 0);
}

// The per-runtime suites (tests/runtime/<runtime>/), each against the same engines:
// Node on the ESM build, Bun on the TypeScript sources, workerd (miniflare) on the example Worker.
async function runtimeSuites(env) {
  const bin = (name) => join(root, "node_modules", ".bin", name);
  const nodeTest = ["--test", "--test-reporter=spec", "--test-timeout=120000"];
  const suites = [
    ["node", async () => {
      const built = await run(process.execPath, [join(root, "tools", "build_npm.mjs")], env);
      if (built !== 0) return built;
      return run(process.execPath, [...nodeTest, "tests/runtime/node/"], env);
    }],
    ["bun", () => run(bin("bun"), ["test", "--timeout=60000", "tests/runtime/bun/"], env)],
    ["workers", () => run(process.execPath, [...nodeTest, "tests/runtime/workers/"], env)],
  ];
  const results = [];
  for (const [name, suite] of suites) {
    if (stopping || interrupted) break;
    const started = Date.now();
    console.error(`[test] --- ${name} suite ---`);
    const c = await suite();
    console.error(`[test] ${name} suite done in ${Date.now() - started} ms`);
    results.push([name, c, counts(lastOutput)]);
  }
  return results;
}

main().catch(async (e) => {
  console.error(`[test] ${e?.stack ?? e}`);
  await finish(1);
});
