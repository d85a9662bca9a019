#!/usr/bin/env node
// Builds the module as plain ESM JavaScript for Node 20 (which does not run TypeScript) into
// dist/: one file per deno.json export, shared code in chunks (so `./counter` and `.` share one
// client registry), npm dependencies left as imports, and a package.json for the result.
//
//   node tools/build_npm.mjs          # dist/ (git-ignored), then `npm pack ./dist` if wanted
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist");
const denoJson = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));

/** `"./counter"` -> `"counter"`, `"."` -> `"mod"`: the file name under dist/. */
function outName(exportPath) {
  return exportPath === "." ? "mod" : exportPath.slice(2).replaceAll("/", "_");
}

/** deno.json's `"npm:@scope/name@1.2.3"` imports -> `{ "@scope/name": "1.2.3" }`. */
function npmDependencies(imports) {
  const deps = {};
  for (const spec of Object.values(imports ?? {})) {
    const m = /^npm:((?:@[^/]+\/)?[^@]+)@(.+)$/.exec(spec);
    if (m) deps[m[1]] = m[2];
  }
  return deps;
}

export async function buildNpm({ quiet = false } = {}) {
  const started = Date.now();
  const dependencies = npmDependencies(denoJson.imports);
  const entryPoints = Object.entries(denoJson.exports).map(([path, file]) => ({
    in: join(root, file),
    out: outName(path),
  }));
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "neutral", // no Node built-ins at import time: the same files load in Workers
    target: "es2022",
    external: [...Object.keys(dependencies), "node:*"],
    chunkNames: "_chunks/[name]-[hash]",
    legalComments: "none",
    logLevel: quiet ? "error" : "warning",
  });
  const exports = {};
  for (const path of Object.keys(denoJson.exports)) {
    exports[path] = { import: `./${outName(path)}.js`, default: `./${outName(path)}.js` };
  }
  const pkg = {
    name: denoJson.name,
    version: denoJson.version,
    description:
      "Telemetry into ClickHouse over HTTP, from Deno, Bun, Node and Cloudflare Workers.",
    license: denoJson.license,
    type: "module",
    engines: { node: ">=20" },
    main: "./mod.js",
    exports,
    dependencies,
  };
  writeFileSync(join(outdir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  for (const file of ["README.md", "LICENSE"]) copyFileSync(join(root, file), join(outdir, file));
  if (!quiet) {
    console.error(
      `[build_npm] dist/: ${Object.keys(exports).join(", ")} (${Date.now() - started} ms)`,
    );
  }
  return { outdir, exports: Object.keys(exports) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildNpm().catch((error) => {
    console.error(`[build_npm] ${error?.stack ?? error}`);
    process.exit(1);
  });
}
