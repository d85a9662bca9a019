#!/usr/bin/env node
// Builds the npm package into dist/: plain ESM JavaScript for Node 20 (which does not run
// TypeScript) and Bun, one file per deno.json export, shared code in chunks (so `./counter` and
// `.` share one client registry), npm dependencies left as imports; a `.d.ts` next to each entry
// point (tools/npm_declarations.mjs); and a package.json whose `exports` give each entry point's
// types and JavaScript.
//
//   node tools/build_npm.mjs          # dist/ (git-ignored)
//   npm pack ./dist                   # tusk-clickhouse-<version>.tgz, installable with npm install
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { emitDeclarations } from "./npm_declarations.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const denoJson = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));

// npm packages an entry point imports that the application brings (a logging library it already
// configures), so they are optional peers, never installed with Tusk: the core entry points never
// import them.
const PEERS = new Set(["@logtape/logtape"]);

/** `"./counter"` -> `"counter"`, `"."` -> `"mod"`: the file name under dist/. */
function outName(exportPath) {
  return exportPath === "." ? "mod" : exportPath.slice(2).replaceAll("/", "_");
}

/** deno.json's `"npm:@scope/name@1.2.3"` imports -> `{ "@scope/name": "1.2.3" }`. */
function npmImports(imports) {
  const found = {};
  for (const spec of Object.values(imports ?? {})) {
    const m = /^npm:((?:@[^/]+\/)?[^@]+)@(.+)$/.exec(spec);
    if (m) found[m[1]] = m[2];
  }
  return found;
}

/** The npm imports split into dependencies and (optional) peer dependencies. */
function dependencyFields(imports) {
  const dependencies = {};
  const peerDependencies = {};
  for (const [name, version] of Object.entries(npmImports(imports))) {
    if (!PEERS.has(name)) dependencies[name] = version;
    // An exact version is the one tested; later releases of the same major are accepted.
    else peerDependencies[name] = /^\d/.test(version) ? `^${version}` : version;
  }
  const peers = Object.keys(peerDependencies);
  if (peers.length === 0) return { dependencies };
  const peerDependenciesMeta = Object.fromEntries(peers.map((n) => [n, { optional: true }]));
  return { dependencies, peerDependencies, peerDependenciesMeta };
}

/** The package.json of dist/. */
function manifest(exportPaths, fields) {
  const exports = {};
  for (const path of exportPaths) {
    const name = outName(path);
    // ESM only: `default` lets runtimes that can require() ES modules (Node >= 20.19, Bun) and
    // tools with other conditions find the same file; there is no CommonJS build.
    exports[path] = { types: `./${name}.d.ts`, import: `./${name}.js`, default: `./${name}.js` };
  }
  exports["./package.json"] = "./package.json";
  return {
    name: denoJson.name,
    version: denoJson.version,
    description:
      "Telemetry into ClickHouse over HTTP, from Deno, Bun, Node and Cloudflare Workers.",
    keywords: ["clickhouse", "telemetry", "metrics", "logging", "heartbeat", "cloudflare-workers"],
    license: denoJson.license,
    type: "module",
    engines: { node: ">=20" },
    main: "./mod.js",
    types: "./mod.d.ts",
    exports,
    // The command line (`./cli`), as `npx tusk status ...`.
    ...(exportPaths.includes("./cli") ? { bin: { tusk: "./cli.js" } } : {}),
    files: ["*.js", "*.d.ts", "_chunks/", "_types/"],
    ...fields,
  };
}

/**
 * Builds dist/ (JavaScript, declarations, package.json, README and LICENSE).
 *
 * @param options `quiet` prints nothing but errors; `outdir` builds elsewhere than dist/.
 * @returns The directory and the export paths built.
 */
export async function buildNpm({ quiet = false, outdir = join(root, "dist") } = {}) {
  const started = Date.now();
  const fields = dependencyFields(denoJson.imports);
  const external = [
    ...Object.keys(fields.dependencies),
    ...Object.keys(fields.peerDependencies ?? {}),
  ];
  const entries = Object.entries(denoJson.exports).map(([path, file]) => ({
    file: join(root, file),
    out: outName(path),
  }));
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: entries.map((e) => ({ in: e.file, out: e.out })),
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "neutral", // no Node built-ins at import time: the same files load in Workers
    target: "es2022",
    external: [...external, "node:*"],
    chunkNames: "_chunks/[name]-[hash]",
    legalComments: "none",
    logLevel: quiet ? "error" : "warning",
  });
  const bundled = Date.now();
  const declarations = emitDeclarations(root, outdir, entries);
  const cli = join(outdir, "cli.js");
  if (existsSync(cli)) writeFileSync(cli, "#!/usr/bin/env node\n" + readFileSync(cli, "utf8"));
  const exportPaths = Object.keys(denoJson.exports);
  writeFileSync(
    join(outdir, "package.json"),
    JSON.stringify(manifest(exportPaths, fields), null, 2) + "\n",
  );
  for (const file of ["README.md", "LICENSE"]) copyFileSync(join(root, file), join(outdir, file));
  if (!quiet) {
    console.error(
      `[build_npm] dist/: ${exportPaths.join(", ")}: JavaScript in ${bundled - started} ms, ` +
        `${declarations} declaration files in ${Date.now() - bundled} ms`,
    );
  }
  return { outdir, exports: exportPaths };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildNpm().catch((error) => {
    console.error(`[build_npm] ${error?.message ?? error}`);
    process.exit(1);
  });
}
