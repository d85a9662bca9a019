// Lifecycle checks shared by the Node and Bun suites: a child process writes rows and then ends
// (normally, or by a signal once the rows are buffered); the rows are read back afterwards.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { countRows, dropDatabase, sql } from "./engines.mjs";

/** The child's program: 3 metric rows, never flushed by the program itself. */
export function childScript(modUrl, engine, db, { flushOnSignals = false } = {}) {
  return `
import * as tusk from ${JSON.stringify(modUrl)};
tusk.init({
  url: ${JSON.stringify(engine.url)},
  user: ${JSON.stringify(engine.user)},
  password: process.env.PW,
  flushOnSignals: ${flushOnSignals},
});
const cpu = tusk.metric(${JSON.stringify(`${db}.cpu`)});
for (let i = 0; i < 3; i++) cpu.write({ region: "r" + i, instance_id: "x", usage: i / 10 });
${flushOnSignals ? 'setInterval(() => {}, 1000); console.log("ready");' : ""}
`;
}

export async function cpuTable(engine, db) {
  await sql(engine, `CREATE DATABASE IF NOT EXISTS ${db}`);
  await sql(
    engine,
    `CREATE TABLE ${db}.cpu (region String, instance_id String, usage Float64, datetime DateTime) ` +
      "ENGINE = Memory",
  );
}

/**
 * Runs `command [...args, file]` with `script` in a temporary file named `name`; with `signal`,
 * sends it once the child printed "ready". Resolves `{ code, signal, stderr, ms }`.
 *
 * @param {string} command
 * @param {string[]} args
 * @param {string} name
 * @param {string} script
 * @param {{ env?: Record<string, string>, signal?: "SIGINT" | "SIGTERM" }} [options]
 * @returns {Promise<{ code: number | null, signal: string | null, stderr: string, ms: number }>}
 */
export function runChild(command, args, name, script, options = {}) {
  const { env = {}, signal } = options;
  const dir = mkdtempSync(join(tmpdir(), "tusk-child-"));
  const file = join(dir, name);
  writeFileSync(file, script);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args, file], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.stderr.on("data", (d) => (stderr += d));
    child.stdout.on("data", (d) => {
      if (signal && String(d).includes("ready")) child.kill(signal);
    });
    child.once("error", reject);
    child.once("exit", (code, sig) => {
      clearTimeout(killer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal: sig, stderr, ms: Date.now() - started });
    });
  });
}

/** 128 + the signal's number: how a program that ended on that signal exits. */
export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 };

export const rowsOf = (engine, db) => countRows(engine, `${db}.cpu`);

/**
 * Runs one child program against a fresh database holding `cpu`, and counts the rows it left
 * there; the database is dropped afterwards. The child gets the engine's password as `PW` and
 * its address as `CLICKHOUSE_URL`, `CLICKHOUSE_USER`, `CLICKHOUSE_PASSWORD`.
 *
 * @param {{ url: string, user: string, password: string }} engine
 * @param {{ runtime: string, command: string, args: string[], file: string,
 *   script: (db: string) => string, signal?: "SIGINT" | "SIGTERM" }} child
 * @returns {Promise<{ code: number | null, signal: string | null, stderr: string, ms: number,
 *   rows: number }>}
 */
export async function runInFreshDatabase(engine, child) {
  const db = `tusk_rt_${child.runtime}_exit_${
    crypto.randomUUID().replaceAll("-", "").slice(0, 10)
  }`;
  await cpuTable(engine, db);
  try {
    const result = await runChild(child.command, child.args, child.file, child.script(db), {
      env: {
        PW: engine.password,
        CLICKHOUSE_URL: engine.url,
        CLICKHOUSE_USER: engine.user,
        CLICKHOUSE_PASSWORD: engine.password,
      },
      signal: child.signal,
    });
    return { ...result, rows: await rowsOf(engine, db) };
  } finally {
    await dropDatabase(engine, db);
  }
}
