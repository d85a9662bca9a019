// HTTPS checks shared by the Deno, Node and Bun suites: a child program, run with or without the
// test CA in its runtime's trust store, writes three rows to the 18.16 engine's HTTPS port and
// prints what happened; the parent reads the rows back over plain HTTP.
//
// The engine starter (tools/engines/clickhouse18.mjs) serves HTTPS with a certificate signed by a
// throwaway CA and exports TUSK_TEST_CH18_HTTPS_URL and TUSK_TEST_CA_FILE.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { selectRows, sql, testEngines } from "./engines.mjs";

/** The variables each runtime reads its extra trusted CAs from, at start-up. */
export const CA_VARIABLES = ["DENO_CERT", "NODE_EXTRA_CA_CERTS"];

/** The HTTPS side of the 18.16 engine, or `{ reason }` to skip with. */
export function tlsEngine() {
  const env = globalThis.process?.env ?? {};
  const engine = testEngines().find((e) => e.name === "clickhouse-18");
  const httpsUrl = env.TUSK_TEST_CH18_HTTPS_URL;
  const caFile = env.TUSK_TEST_CA_FILE;
  if (!engine || !httpsUrl || !caFile) {
    return {
      reason: "TUSK_TEST_CH18_HTTPS_URL / TUSK_TEST_CA_FILE not set: run the tests with " +
        "`npm test` (its 18.16 engine serves HTTPS)",
    };
  }
  return { engine, httpsUrl: httpsUrl.replace(/\/+$/, ""), caFile };
}

/**
 * How a child connects: `url` (an `https://` URL) or `host`, `port` and `secure: true`.
 *
 * @param {string} httpsUrl
 * @param {"url" | "secure"} how
 */
export function target(httpsUrl, how) {
  if (how === "url") return { url: httpsUrl };
  const { hostname, port } = new URL(httpsUrl);
  return { host: hostname, port: Number(port), secure: true };
}

/**
 * The child program: `init()` with `TLS_TARGET` (JSON), three rows into `TLS_TABLE`, then
 * `metric.flush()`; it prints one `RESULT {...}` line: how long the flush took and, when it
 * failed, the error and its cause (the `TuskClickHouseError`).
 *
 * @param {string} modUrl The module under test.
 * @returns {string}
 */
export function tlsScript(modUrl) {
  return `
import * as tusk from ${JSON.stringify(modUrl)};
const env = (name) => globalThis.Deno ? Deno.env.get(name) : process.env[name];
const reported = [];
tusk.init({
  ...JSON.parse(env("TLS_TARGET")),
  user: env("TLS_USER"),
  password: env("TLS_PW"),
  clientName: "tls",
  onError: (e) => reported.push(e.message),
});
const metric = tusk.metric({ table: env("TLS_TABLE"), clientName: "tls" });
const started = Date.now();
for (let n = 0; n < 3; n++) metric.write({ n, via: env("TLS_VIA") });
const result = {};
try {
  await metric.flush();
} catch (error) {
  const c = error.cause ?? error;
  result.error = { name: error.name, message: error.message };
  result.cause = { name: c.name, kind: c.kind, retryable: c.retryable, message: c.message };
}
result.ms = Date.now() - started;
result.reported = reported;
console.log("RESULT " + JSON.stringify(result));
await tusk.close().catch(() => {});
`;
}

/**
 * Runs `command [...args, file]` with the TLS child program in a temporary file `name`. The
 * child's environment is this process's without any CA variable, plus `env`: a test gives the CA
 * only where it means to.
 *
 * @param {string} command
 * @param {string[]} args
 * @param {string} name
 * @param {string} script
 * @param {Record<string, string>} env
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string, result?: any }>}
 */
export function runTlsChild(command, args, name, script, env) {
  const dir = mkdtempSync(join(tmpdir(), "tusk-tls-"));
  const file = join(dir, name);
  writeFileSync(file, script);
  const childEnv = { ...process.env };
  for (const variable of CA_VARIABLES) delete childEnv[variable];
  Object.assign(childEnv, env);
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(command, [...args, file], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    // A retry loop must fail the test, not the suite's time limit.
    const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("error", (error) => {
      clearTimeout(killer);
      rmSync(dir, { recursive: true, force: true });
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(killer);
      rmSync(dir, { recursive: true, force: true });
      const line = /^RESULT (.*)$/m.exec(stdout)?.[1];
      resolve({ code, stdout, stderr, result: line === undefined ? undefined : JSON.parse(line) });
    });
  });
}

/**
 * Creates `tusk_rt_tls_<runtime>_<random>.rows (n UInt32, via String)` over plain HTTP, runs
 * `fn(table)`, and drops the database whatever happens.
 *
 * @template T
 * @param {{ name: string, url: string, user: string, password: string }} engine
 * @param {string} runtime
 * @param {(table: string) => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function inTlsDatabase(engine, runtime, fn) {
  const db = `tusk_rt_tls_${runtime}_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  await sql(engine, `CREATE DATABASE ${db}`);
  try {
    await sql(engine, `CREATE TABLE ${db}.rows (n UInt32, via String) ENGINE = Memory`);
    return await fn(`${db}.rows`);
  } finally {
    await sql(engine, `DROP DATABASE IF EXISTS ${db}`);
  }
}

/** The rows the child wrote with `via`, read back over plain HTTP. */
export async function rowsVia(engine, table, via) {
  const rows = await selectRows(engine, `SELECT n FROM ${table} WHERE via = '${via}' ORDER BY n`);
  return rows.map((r) => Number(r.n));
}

/**
 * Asserts a child that trusted the CA delivered its three rows over HTTPS.
 *
 * @param {{ code: number | null, stdout: string, stderr: string, result?: any }} run
 */
export function assertDeliveredOverTls(run) {
  const output = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
  assert.equal(run.code, 0, output);
  assert.ok(run.result, `no RESULT line\n${output}`);
  assert.equal(run.result.error, undefined, output);
  assert.deepEqual(run.result.reported, [], output);
}

/** What the error says when the runtime does not trust the server's certificate. */
export const UNTRUSTED = new RegExp(
  "^TLS: the server's certificate is not trusted \\((\\w+)\\); give its CA with DENO_CERT " +
    "\\(Deno\\) or NODE_EXTRA_CA_CERTS \\(Node, Bun, wrangler dev\\)$",
);

// Without the CA the failure is final: no retry, so the flush ends as soon as the first request
// failed (measured: 40-120 ms after the write on this machine). A retry would wait out a back-off
// of 1 s or more first.
export const UNTRUSTED_BOUND_MS = 1_000;

/**
 * Asserts a child that did not trust the CA failed at once with a `tls` error that says so and
 * names `reason` (the runtime's own name for it).
 *
 * @param {{ code: number | null, stdout: string, stderr: string, result?: any }} run
 * @param {string} reason e.g. `UnknownIssuer` (Deno), `UNABLE_TO_VERIFY_LEAF_SIGNATURE`.
 */
export function assertUntrusted(run, reason) {
  const output = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
  assert.ok(run.result, `no RESULT line\n${output}`);
  const { error, cause, ms } = run.result;
  assert.ok(error, `the flush succeeded without the CA\n${output}`);
  assert.equal(cause.name, "TuskClickHouseError", output);
  assert.equal(cause.kind, "tls", output);
  assert.equal(cause.retryable, false, output);
  const detail = cause.message.slice(cause.message.indexOf(": ") + 2);
  assert.match(detail, UNTRUSTED, output);
  assert.equal(UNTRUSTED.exec(detail)?.[1], reason, output);
  assert.ok(error.message.includes(detail), `the flush error carries it: ${error.message}`);
  assert.ok(ms < UNTRUSTED_BOUND_MS, `flush failed after ${ms} ms, bound ${UNTRUSTED_BOUND_MS}`);
}
