// The copy-paste examples of the README's Runtimes section: the code block after each
// `<!-- runtimes-example: NAME -->` marker, so the suites run exactly what users copy.
import { readFileSync } from "node:fs";

const DOC = new URL("../../../README.md", import.meta.url);

/** The code of the block marked `name`. */
export function docExample(name) {
  const text = readFileSync(DOC, "utf8");
  const at = text.indexOf(`<!-- runtimes-example: ${name} -->`);
  if (at < 0) throw new Error(`Cannot find example "${name}" in README.md`);
  const m = /```[a-z]*\n([\s\S]*?)\n```/.exec(text.slice(at));
  if (!m) throw new Error(`Cannot find the code block of example "${name}"`);
  return m[1] + "\n";
}

/** The app example, pointed at the module under test and at table `db.cpu`. */
export function appExample(name, modUrl, db) {
  const code = docExample(name);
  for (const needle of ['from "@tusk/clickhouse"', '"system.cpu"']) {
    if (!code.includes(needle)) throw new Error(`Example "${name}" no longer has ${needle}`);
  }
  return code.replace('from "@tusk/clickhouse"', `from ${JSON.stringify(modUrl)}`)
    .replace('"system.cpu"', JSON.stringify(`${db}.cpu`));
}
