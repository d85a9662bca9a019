// The npm package as a Node user installs it: dist/ (`npm run build:npm` first) packed with
// `npm pack`, installed with `npm install <tarball>` into a fresh project, type-checked there by
// `tsc --strict` (a program using every entry point), compiled, and run by Node against each
// engine; the rows are read back.
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { countRows, dropDatabase, freshDatabase, testEngines } from "../_shared/engines.mjs";
import { appExample } from "../_shared/docs.mjs";
import {
  installConsumer,
  installInto,
  mustRun,
  packDist,
  ROOT,
  runCommand,
  tsc,
  writeInto,
} from "../_shared/npm_consumer.mjs";
import { consumerSource } from "../_shared/typed_consumer.mjs";

const denoJson = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8"));
const exportPaths = Object.keys(denoJson.exports);
const hasLogtape = exportPaths.includes("./logtape");
const logtapeSpec = /^npm:(@logtape\/logtape@.+)$/.exec(
  denoJson.imports?.["@logtape/logtape"] ?? "",
)?.[1];

const MAIN = `import { writeEveryEntryPoint } from "./build/consumer.js";
const stats = await writeEveryEntryPoint(JSON.parse(process.argv[2]));
console.log(JSON.stringify(stats));
`;

// What TypeScript users have: `tsc --init`'s module settings (Node), checking every declaration
// file, and a bundler's (Vite, Bun), whose project templates skip the libraries' declarations.
const NODENEXT = ["--module", "nodenext", "--moduleResolution", "nodenext", "--target", "esnext"];
const BUNDLER = ["--module", "esnext", "--moduleResolution", "bundler", "--target", "esnext"];

describe("npm package: npm pack, npm install <tarball>, tsc --strict, node", () => {
  let pack;
  let consumer;

  before(async () => {
    pack = await packDist();
    consumer = await installConsumer(pack.tarball);
    writeInto(consumer.dir, "consumer.ts", consumerSource({ logtape: hasLogtape }));
    writeInto(consumer.dir, "main.mjs", MAIN);
    console.log(
      `[node] ${pack.filename}: packed in ${pack.ms} ms (${pack.files.length} files), ` +
        `installed in ${consumer.ms} ms`,
    );
  });

  after(() => {
    for (const dir of [consumer?.dir, pack?.dir]) {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  test("package.json exports types and JavaScript for every deno.json export", () => {
    const { manifest } = pack;
    assert.deepEqual(
      Object.keys(manifest.exports).filter((p) => p !== "./package.json"),
      exportPaths,
    );
    for (const path of exportPaths) {
      const entry = manifest.exports[path];
      assert.deepEqual(Object.keys(entry), ["types", "import", "default"], path);
      assert.equal(entry.require, undefined, `${path}: no CommonJS build is claimed`);
      for (const file of [entry.types, entry.import]) {
        assert.ok(pack.files.includes(file.slice(2)), `${path}: ${file} is in the tarball`);
      }
    }
    assert.equal(manifest.type, "module");
    assert.equal(manifest.types, "./mod.d.ts");
    assert.ok(manifest.engines.node, "engines.node is set");
  });

  test("npm install <tarball> brings the dependencies, not the optional LogTape peer", () => {
    const { manifest } = pack;
    assert.deepEqual(Object.keys(manifest.dependencies).sort(), [
      "@clickhouse/client-web",
      "valibot",
      "yaml",
    ]);
    for (const name of Object.keys(manifest.dependencies)) {
      assert.ok(existsSync(join(consumer.dir, "node_modules", name, "package.json")), name);
    }
    assert.equal(manifest.dependencies["@logtape/logtape"], undefined);
    assert.equal(existsSync(join(consumer.dir, "node_modules", "@logtape")), false);
    if (logtapeSpec) {
      assert.match(manifest.peerDependencies["@logtape/logtape"], /^\^?2\./);
      assert.deepEqual(manifest.peerDependenciesMeta["@logtape/logtape"], { optional: true });
    }
  });

  test("the core entry points load in Node without LogTape", async () => {
    // ./cli is a program (it runs when imported): its bin is checked below.
    const core = exportPaths.filter((p) => p !== "./logtape" && p !== "./cli");
    const imports = core.map((p) => `await import("@tusk/clickhouse${p.slice(1)}");`).join(" ");
    const r = await runCommand(process.execPath, ["--input-type=module", "-e", imports], {
      cwd: consumer.dir,
    });
    assert.equal(r.code, 0, r.stderr);
  });

  test("the tusk bin runs the command line", { skip: !exportPaths.includes("./cli") }, async () => {
    const bin = join(consumer.dir, "node_modules", ".bin", "tusk");
    const r = await runCommand(bin, ["status", "--help"], { cwd: consumer.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /status/);
  });

  test("./logtape loads once the application installs LogTape", { skip: !hasLogtape }, async () => {
    const { ms } = await installInto(consumer.dir, logtapeSpec);
    const code = 'const m = await import("@tusk/clickhouse/logtape"); ' +
      'if (typeof m.getClickHouseSink !== "function") process.exit(3);';
    const r = await runCommand(process.execPath, ["--input-type=module", "-e", code], {
      cwd: consumer.dir,
    });
    assert.equal(r.code, 0, r.stderr);
    console.log(`[node] npm install ${logtapeSpec} in ${ms} ms`);
  });

  test("tsc --strict --noEmit accepts the consumer, its misuses rejected (nodenext)", async () => {
    const r = await tsc(consumer.dir, ["--strict", "--noEmit", ...NODENEXT, "consumer.ts"]);
    assert.equal(r.code, 0, `tsc:\n${r.stdout}${r.stderr}`);
    console.log(`[node] tsc --strict --noEmit (nodenext, declarations checked) in ${r.ms} ms`);
  });

  test("tsc --strict --noEmit accepts the consumer, its misuses rejected (bundler)", async () => {
    const args = ["--strict", "--noEmit", "--skipLibCheck", ...BUNDLER, "consumer.ts"];
    const r = await tsc(consumer.dir, args);
    assert.equal(r.code, 0, `tsc:\n${r.stdout}${r.stderr}`);
  });

  test("tsc compiles the consumer to JavaScript for Node", async () => {
    const args = [
      "--strict",
      "--skipLibCheck",
      "--noEmitOnError",
      ...NODENEXT,
      "--outDir",
      "build",
    ];
    const r = await tsc(consumer.dir, [...args, "consumer.ts"]);
    assert.equal(r.code, 0, `tsc:\n${r.stdout}${r.stderr}`);
    assert.ok(existsSync(join(consumer.dir, "build", "consumer.js")));
  });

  for (const engine of testEngines()) {
    test(`the compiled consumer's rows reach ${engine.name}`, async () => {
      const db = await freshDatabase(engine, "node_pkg");
      try {
        const target = { url: engine.url, user: engine.user, password: engine.password };
        const r = await mustRun(process.execPath, [
          "main.mjs",
          JSON.stringify({ ...target, database: db }),
        ], { cwd: consumer.dir });
        const found = {
          cpu: await countRows(engine, `${db}.cpu`, "region = 'Tokyo'"),
          quota: await countRows(engine, `${db}.quota`, "count = 5"),
          beats: await countRows(engine, `${db}.heartbeats`, "task IN ('main', 'typed_task')"),
          logs: await countRows(engine, `${db}.logs`, "logger = 'consumer.js'"),
          exception: await countRows(engine, `${db}.logs`, "error = 'TypeError'"),
        };
        const expected = { cpu: 1, quota: 1, beats: 2, logs: 2, exception: 1 };
        if (hasLogtape) {
          found.logtape = await countRows(
            engine,
            `${db}.logs`,
            "logger = 'typed_consumer.logtape'",
          );
          expected.logtape = 1;
        }
        assert.deepEqual(found, expected);
        console.log(
          `[node] ${engine.name}: consumer in ${r.ms} ms, read back ${JSON.stringify(found)}`,
        );
      } finally {
        await dropDatabase(engine, db);
      }
    });

    test(`the README's Node example runs from the installed package (${engine.name})`, async () => {
      const db = await freshDatabase(engine, "node_pkg_doc");
      try {
        writeInto(consumer.dir, "app.mjs", appExample("node", "@tusk/clickhouse", db));
        const r = await runCommand(process.execPath, ["app.mjs"], {
          cwd: consumer.dir,
          env: {
            CLICKHOUSE_URL: engine.url,
            CLICKHOUSE_USER: engine.user,
            CLICKHOUSE_PASSWORD: engine.password,
          },
        });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(await countRows(engine, `${db}.cpu`, "region = 'Tokyo'"), 1);
      } finally {
        await dropDatabase(engine, db);
      }
    });
  }

  test("the README's install command names the tarball npm pack makes", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    assert.ok(
      readme.includes(`npm install ./${pack.filename}`),
      `README: npm install ./${pack.filename}`,
    );
  });
});
