#!/usr/bin/env node
// The static checks CI runs before the tests (`npm run check`, also run by `npm test`).
import { spawnSync } from "node:child_process";
import { deno, root } from "./deno_bin.mjs";

const ENTRY_POINTS = ["mod.ts", ...entryPoints()];

const CHECKS = [
  ["fmt", "--check"],
  ["lint"],
  ["check", "mod.ts", "src/", "tests/", "examples/", "bench/"],
  ["doc", "--lint", ...ENTRY_POINTS],
  ["publish", "--dry-run", "--allow-dirty"],
];

function entryPoints() {
  const { exports } = JSON.parse(
    spawnSync("cat", ["deno.json"], { cwd: root, encoding: "utf8" }).stdout,
  );
  return Object.values(exports).filter((path) => path !== "./mod.ts");
}

for (const args of CHECKS) {
  const started = Date.now();
  const result = spawnSync(deno, args, {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  const label = `deno ${args.join(" ")}`;
  if (result.status !== 0) {
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    console.error(`[check] FAILED: ${label}`);
    process.exit(result.status ?? 1);
  }
  console.error(`[check] ok: ${label} (${Date.now() - started} ms)`);
}
