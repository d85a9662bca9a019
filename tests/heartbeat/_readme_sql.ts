// The SQL of the README's heartbeat section, so tests run exactly what it shows.
import assert from "node:assert/strict";
import type { TestEngine } from "../_helpers/engines.ts";
import { readmeSection } from "../_helpers/readme.ts";

const DOC = readmeSection("4. Heartbeat");

/** The one fenced block of the README section in `lang` that contains every `needle`. */
export function docBlock(lang: string, ...needles: string[]): string {
  const blocks = [...DOC.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))]
    .map((m) => m[1]!)
    .filter((b) => needles.every((n) => b.includes(n)));
  assert.equal(blocks.length, 1, `one ${lang} block with ${needles.join(", ")}`);
  return blocks[0]!;
}

/** The README's DDL for this engine, in database `db` instead of `maintenance`. */
export function heartbeatDdl(engine: TestEngine, db = "maintenance"): string {
  const ddl = engine.modern
    ? docBlock("sql", "CREATE TABLE", "DateTime64")
    : docBlock("sql", "CREATE TABLE", "`datetime` DateTime,");
  return ddl.replace("maintenance.", `${db}.`).trim().replace(/;$/, "");
}

/** A README query, reading database `db` instead of `maintenance`. */
export function docQuery(needle: string, db: string): string {
  return docBlock("sql", needle).replace("FROM maintenance.", `FROM ${db}.`).trim();
}
