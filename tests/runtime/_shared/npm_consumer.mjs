// The npm package as a user gets it: dist/ packed with `npm pack` (once per test run), installed
// into a fresh consumer project with `npm install <tarball>`, type-checked by the installed
// TypeScript and run by Node. Only the npm cache and registry are used, never JSR.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DIST = join(ROOT, "dist");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

/** Runs a command; resolves `{ code, stdout, stderr, ms }` whatever its exit code. */
export function runCommand(file, args, { cwd, env } = {}) {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

/** Throws with the command's output unless it exited with 0. */
export async function mustRun(file, args, options) {
  const r = await runCommand(file, args, options);
  if (r.code !== 0) {
    throw new Error(
      `Cannot run "${[file, ...args].join(" ")}": exit ${r.code}\n${r.stdout}\n${r.stderr}`,
    );
  }
  return r;
}

const NPM_QUIET = ["--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"];

let packed;

/**
 * `npm pack ./dist` into a temporary directory, once per process.
 *
 * @returns `{ tarball, filename, files, manifest, ms }`: the tarball's path and name, the paths it
 * holds, dist/package.json, and how long packing took.
 */
export function packDist() {
  packed ??= (async () => {
    if (!existsSync(join(DIST, "package.json"))) {
      throw new Error("Cannot pack dist/: it is not built (run `npm run build:npm`)");
    }
    const into = mkdtempSync(join(tmpdir(), "tusk-pack-"));
    const r = await mustRun("npm", ["pack", DIST, "--pack-destination", into, "--json"], {
      cwd: ROOT,
    });
    const [info] = JSON.parse(r.stdout);
    return {
      tarball: join(into, info.filename),
      filename: info.filename,
      files: info.files.map((f) => f.path),
      manifest: JSON.parse(readFileSync(join(DIST, "package.json"), "utf8")),
      dir: into,
      ms: r.ms,
    };
  })();
  return packed;
}

/**
 * A new project in a temporary directory (`"type": "module"`) with the tarball installed.
 *
 * @returns `{ dir, ms }`.
 */
export async function installConsumer(tarball) {
  const dir = mkdtempSync(join(tmpdir(), "tusk-consumer-"));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "tusk-consumer", private: true, type: "module" }, null, 2) + "\n",
  );
  const r = await mustRun("npm", ["install", tarball, ...NPM_QUIET], { cwd: dir });
  return { dir, ms: r.ms };
}

/** `npm install name@version` into the consumer (a peer the application brings itself). */
export async function installInto(dir, spec) {
  const r = await mustRun("npm", ["install", spec, ...NPM_QUIET], { cwd: dir });
  return { ms: r.ms };
}

/** Writes `text` to `dir/path`, creating folders. */
export function writeInto(dir, path, text) {
  const file = join(dir, path);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** The installed typescript's `tsc` with `args`, in `dir`; resolves what `runCommand` does. */
export function tsc(dir, args) {
  return runCommand(process.execPath, [TSC, ...args], { cwd: dir });
}
