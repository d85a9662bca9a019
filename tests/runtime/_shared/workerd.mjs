// The Workers suites' harness (tests/runtime/workers/_harness.ts) bundled the way wrangler would
// and started in workerd by miniflare, one isolate per call, with an engine's bindings.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** workerd 1.20260426 (the last on Node 20) knows compatibility dates up to 2026-05-03. */
export const COMPATIBILITY_DATE = "2026-05-01";

/** Bundles tests/runtime/workers/_harness.ts with `@tusk/clickhouse` aliased to the sources. */
export async function bundleHarness() {
  const { exports } = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
  const alias = {};
  for (const [path, file] of Object.entries(exports)) {
    alias[path === "." ? "@tusk/clickhouse" : `@tusk/clickhouse/${path.slice(2)}`] = join(
      root,
      file,
    );
  }
  const result = await build({
    entryPoints: [join(root, "tests/runtime/workers/_harness.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    alias,
    write: false,
    logLevel: "error",
  });
  return result.outputFiles[0].text;
}

/**
 * Starts a fresh isolate running `script` with the engine's bindings (`asyncInsert`: the
 * example Worker's `CLICKHOUSE_ASYNC_INSERT`); `dispose()` it after.
 * The Worker's stdout is dropped; its stderr (uncaught errors, workerd's warnings) is kept in
 * `stderr()` and, unless `quiet`, shown.
 */
export async function startWorker(
  script,
  engine,
  { database = "default", quiet = false, asyncInsert = false } = {},
) {
  let stderrText = "";
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: ["nodejs_compat"],
    bindings: {
      CLICKHOUSE_URL: engine.url,
      CLICKHOUSE_USER: engine.user,
      CLICKHOUSE_PASSWORD: engine.password,
      CLICKHOUSE_DATABASE: database,
      CLICKHOUSE_ASYNC_INSERT: asyncInsert ? "1" : "0",
    },
    handleRuntimeStdio(stdout, stderr) {
      stdout.resume();
      stderr.on("data", (chunk) => {
        stderrText += chunk;
        if (!quiet) process.stderr.write(chunk);
      });
    },
  });
  await mf.ready;
  return { mf, stderr: () => stderrText, dispose: () => mf.dispose() };
}
