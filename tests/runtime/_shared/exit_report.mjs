// Exit-report checks shared by the Deno, Node and Bun suites: a child program writes 100 rows with
// default options and ends without flush() (or after `await tusk.close()`) while its rows cannot
// be delivered. It must end promptly with exit code 0, having printed exactly one report that names
// the table and the exact number of rows given up.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** How many rows each child program writes. */
export const ROWS = 100;

// Bounds on the time from the child's last statement to its exit, i.e. what the exit hook costs
// (runtime start-up and module loading excluded). Measured on this 2-core machine: a refused port
// 1.8-2.4 s, a wrong password 10-270 ms, close() to exit 3-11 ms.
export const BOUNDS_MS = {
  // Two attempts at most: the first, one back-off, the second; a connection to a closed loopback
  // port is refused at once. The back-off is 1 s +/-20 %, doubled per failure; the schema read
  // started by the first write has already failed once, so it is 1.6-2.4 s. 4 s leaves room for a
  // loaded machine and is well below the 10 s `closeTimeout`, which a hang would run into.
  refused: 4_000,
  // An authentication error is not retried: a retry would first wait the shortest back-off
  // (800 ms), so an exit sooner than that shows that none was made.
  wrongPassword: 800,
  // Nothing (timer, retry, socket) may keep the program alive once close() resolved.
  afterClose: 1_000,
};

/**
 * A base URL whose port refuses connections: a port the system just gave a listener, closed again.
 *
 * @returns {Promise<string>}
 */
export async function refusedUrl() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

const CLOSE = `console.log("closing " + Date.now());
await tusk.close();
console.log("closed " + Date.now());`;

/**
 * The child program: `init()` with defaults (no `onError`, so reports go to stderr), 100 rows into
 * `table`, then, with `close`, `await tusk.close()`. It prints `ended <ms>` as its last statement
 * (and `closing <ms>`, `closed <ms>` around close()): `Date.now()` values that the parent compares
 * with the moment the process exited. The password comes from the `PW` variable.
 *
 * @param {string} modUrl The module under test.
 * @param {{ url: string, user: string, table: string, close?: boolean }} options
 * @returns {string}
 */
export function exitReportScript(modUrl, { url, user, table, close = false }) {
  const json = JSON.stringify;
  return `
import * as tusk from ${json(modUrl)};
const password = globalThis.Deno ? Deno.env.get("PW") : process.env.PW;
tusk.init({ url: ${json(url)}, user: ${json(user)}, password });
const cpu = tusk.metric(${json(table)});
for (let i = 0; i < ${ROWS}; i++) cpu.write({ region: "r" + i, instance_id: "x", usage: i / 100 });
${close ? CLOSE : ""}
console.log("ended " + Date.now());
`;
}

/**
 * Runs `command [...args, file]` with `script` in a temporary file named `name`, and resolves once
 * it ended and its output is read; `exitedAt` is when the process exited.
 *
 * @param {string} command
 * @param {string[]} args
 * @param {string} name
 * @param {string} script
 * @param {Record<string, string>} [env]
 * @returns {Promise<ChildResult>}
 */
export function runChild(command, args, name, script, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), "tusk-exit-"));
  const file = join(dir, name);
  writeFileSync(file, script);
  const startedAt = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args, file], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let exitedAt = 0;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    // A hang must fail the test, not the suite's time limit.
    const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("error", reject);
    child.once("exit", () => (exitedAt = Date.now()));
    child.once("close", (code, signal) => {
      clearTimeout(killer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr, startedAt, exitedAt: exitedAt || Date.now() });
    });
  });
}

/**
 * @typedef {{ code: number | null, signal?: string | null, stdout: string, stderr: string,
 *   startedAt: number, exitedAt: number }} ChildResult
 */

/** The `Cannot deliver ...` lines the child printed. */
export function deliveryReports(stderr) {
  return stderr.split("\n").filter((line) => line.includes("Cannot deliver"));
}

/**
 * Durations in ms: `total` (spawn to exit), `afterEnd` (last statement to exit) and, when the
 * program called close(), `close` (how long close() took) and `afterClose` (close() resolved to
 * exit).
 *
 * @param {ChildResult} result
 */
export function timings(result) {
  const stamp = (word) => {
    const m = new RegExp(`^${word} (\\d+)$`, "m").exec(result.stdout);
    return m ? Number(m[1]) : undefined;
  };
  const ended = stamp("ended");
  const closing = stamp("closing");
  const closed = stamp("closed");
  return {
    total: result.exitedAt - result.startedAt,
    afterEnd: ended === undefined ? undefined : result.exitedAt - ended,
    close: closed === undefined || closing === undefined ? undefined : closed - closing,
    afterClose: closed === undefined ? undefined : result.exitedAt - closed,
  };
}

/**
 * Asserts the outcome of a child whose rows could not be delivered: exit code 0, its last statement
 * ran, exactly one report naming `table` and the exact count, given up because `cause`, the reason
 * matching `why`, no report of an uninitialized client, and an exit within `boundMs` of `from`
 * (`"afterEnd"` or `"afterClose"`).
 *
 * @param {ChildResult} result
 * @param {{ table: string, cause: "the program ended" | "closed", why?: RegExp,
 *   from: "afterEnd" | "afterClose", boundMs: number }} expected
 * @returns {ReturnType<typeof timings>} The durations, to print.
 */
export function assertGaveUp(result, { table, cause, why, from, boundMs }) {
  const output = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  assert.equal(result.code, 0, output);
  const times = timings(result);
  assert.notEqual(times[from], undefined, `the program did not reach its end\n${output}`);
  const reports = deliveryReports(result.stderr);
  assert.equal(reports.length, 1, `expected exactly one report\n${output}`);
  assert.ok(
    reports[0].includes(`Cannot deliver ${ROWS} rows of "${table}"`),
    `the report names "${table}" and ${ROWS} rows: ${reports[0]}`,
  );
  assert.ok(reports[0].includes(`${cause} before ClickHouse accepted them`), reports[0]);
  if (why !== undefined) assert.match(reports[0], why);
  assert.doesNotMatch(result.stderr, /not initialized/);
  assert.ok(
    times[from] < boundMs,
    `exit ${times[from]} ms after ${from === "afterEnd" ? "the last statement" : "close()"}, ` +
      `bound ${boundMs} ms\n${output}`,
  );
  return times;
}

/**
 * Asserts the control case: exit code 0, no `[tusk]` line at all, a prompt exit.
 *
 * @param {ChildResult} result
 * @returns {ReturnType<typeof timings>}
 */
export function assertDelivered(result) {
  const output = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  assert.equal(result.code, 0, output);
  assert.doesNotMatch(result.stderr, /\[tusk\]/, output);
  const times = timings(result);
  assert.notEqual(times.afterEnd, undefined, `the program did not reach its end\n${output}`);
  assert.ok(times.afterEnd < BOUNDS_MS.refused, `exit ${times.afterEnd} ms after the end`);
  return times;
}
