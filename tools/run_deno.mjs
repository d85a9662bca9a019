#!/usr/bin/env node
// Runs the project's Deno with the given arguments (for deno.json tasks; see deno_bin.mjs).
import { spawnSync } from "node:child_process";
import { deno, root } from "./deno_bin.mjs";

const result = spawnSync(deno, process.argv.slice(2), { cwd: root, stdio: "inherit" });
process.exit(result.status ?? 1);
