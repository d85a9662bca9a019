// Signal checks shared by the Node and Bun suites, with default options (`flushOnSignals` on): a
// child program writes rows, then gets SIGTERM; what it printed, its exit code and the rows it left
// are checked by the suite.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dropDatabase } from "./engines.mjs";
import { cpuTable, rowsOf } from "./lifecycle.mjs";

const json = JSON.stringify;

/** `init()` with defaults (the password from `PW`), then 3 rows into `table`. */
function initAndWrite(modUrl, url, user, table) {
  return `
import * as tusk from ${json(modUrl)};
tusk.init({ url: ${json(url)}, user: ${json(user)}, password: process.env.PW });
const cpu = tusk.metric(${json(table)});
for (let i = 0; i < 3; i++) cpu.write({ region: "r" + i, instance_id: "x", usage: i / 10 });
`;
}

/** A server-like program: no handler of its own, kept alive by a timer. */
export function noHandlerScript(modUrl, engine, db) {
  return initAndWrite(modUrl, engine.url, engine.user, `${db}.cpu`) +
    'setInterval(() => {}, 1000);\nconsole.log("ready");\n';
}

/**
 * A program with its own graceful shutdown, added before `init()` with `once` (gone from the
 * listeners by the time Tusk's runs): it works for a second, then exits with 7.
 */
export function ownHandlerScript(modUrl, engine, db) {
  return `
process.once("SIGTERM", async () => {
  console.log("handler started");
  await new Promise((resolve) => setTimeout(resolve, 1000));
  console.log("handler done");
  process.exit(7);
});
` + noHandlerScript(modUrl, engine, db);
}

/** Writes to a server that never answers, so the flush on a signal hangs. */
export function hangingFlushScript(modUrl, url) {
  return initAndWrite(modUrl, url, "default", "db.cpu") +
    'setInterval(() => {}, 1000);\nconsole.log("ready");\n';
}

/** Defaults, nothing written: must end at once. */
export function idleScript(modUrl, url) {
  return `
import * as tusk from ${json(modUrl)};
tusk.init({ url: ${json(url)} });
tusk.metric("db.cpu");
console.log("done");
`;
}

/**
 * A TCP server that accepts connections and never answers.
 *
 * @returns {Promise<{ url: string, connections: () => number, close: () => Promise<void> }>}
 */
export async function silentServer() {
  const sockets = new Set();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    connections: () => accepted,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Starts `command [...args, file]` with `script` in a temporary file named `name`.
 *
 * @returns {{ stdout: () => string, stderr: () => string, printed: (text: string) => Promise<void>,
 *   kill: (signal: string) => void, running: () => boolean, started: number,
 *   exit: Promise<{ code: number | null, signal: string | null, at: number }> }}
 */
export function startChild(command, args, name, script, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), "tusk-signal-"));
  const file = join(dir, name);
  writeFileSync(file, script);
  const child = spawn(command, [...args, file], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let running = true;
  const waiting = [];
  child.stdout.on("data", (d) => {
    stdout += d;
    for (const w of [...waiting]) w();
  });
  child.stderr.on("data", (d) => (stderr += d));
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const exit = new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      running = false;
      clearTimeout(killer);
      rmSync(dir, { recursive: true, force: true });
      for (const w of [...waiting]) w();
      resolve({ code, signal, at: Date.now() });
    });
  });
  const printed = (text) =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (stdout.includes(text)) resolve();
        else if (!running) reject(new Error(`ended without printing "${text}": ${stderr}`));
        else return;
        waiting.splice(waiting.indexOf(check), 1);
      };
      waiting.push(check);
      check();
    });
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    printed,
    kill: (signal) => child.kill(signal),
    running: () => running,
    started: Date.now(),
    exit,
  };
}

/**
 * Runs `fn(db)` against a fresh database holding `cpu`, then counts the rows left there; the
 * database is dropped afterwards.
 *
 * @template T
 * @param {{ url: string, user: string, password: string }} engine
 * @param {string} runtime
 * @param {(db: string) => Promise<T>} fn
 * @returns {Promise<{ result: T, rows: number }>}
 */
export async function inFreshDatabase(engine, runtime, fn) {
  const db = `tusk_rt_${runtime}_sig_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  await cpuTable(engine, db);
  try {
    const result = await fn(db);
    return { result, rows: await rowsOf(engine, db) };
  } finally {
    await dropDatabase(engine, db);
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
