// The Deno binary for tool scripts: the one npm installed (node_modules/.bin/deno), else `deno`
// on PATH. `deno task` cannot run it itself: it mistakes node_modules/.bin/deno for a JS bin
// script, so tasks call these node scripts instead.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const local = join(root, "node_modules", ".bin", "deno");
export const deno = existsSync(local) ? local : "deno";
