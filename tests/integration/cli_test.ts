// The command line as operators run it: `deno run -A src/cli/mod.ts status ...` in a child
// process, against each engine, with beat rows written directly with past times.
import assert from "node:assert/strict";
import { freshDatabase, sql, type TestEngine } from "../_helpers/engines.ts";
import { forEachEngine } from "../_helpers/for_each_engine.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", "src/cli/mod.ts", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code, stdout: text(stdout), stderr: text(stderr) };
}

function connection(engine: TestEngine): Record<string, string> {
  return {
    CLICKHOUSE_URL: engine.url,
    CLICKHOUSE_USER: engine.user,
    CLICKHOUSE_PASSWORD: engine.password,
  };
}

async function tables(engine: TestEngine): Promise<string> {
  const db = await freshDatabase(engine, "cli");
  const time = engine.modern ? "DateTime64(3)" : "DateTime";
  await sql(
    engine,
    `CREATE TABLE ${db}.heartbeats (app String, datetime ${time}, task String,` +
      ` sequence UInt32, expiry ${time}) ENGINE = MergeTree() ORDER BY (app, datetime, task, sequence)`,
  );
  await sql(
    engine,
    `CREATE TABLE ${db}.logs (app String, datetime ${time}, level Int8, message String)` +
      " ENGINE = MergeTree() ORDER BY (app, datetime)",
  );
  return db;
}

// Beats `ago` seconds before the server's now, each expiring `period + 5` seconds after it.
async function beats(
  engine: TestEngine,
  db: string,
  rows: Array<[app: string, task: string, sequence: number, ago: number]>,
  period = 30,
): Promise<void> {
  const values = rows.map(([app, task, sequence, ago]) =>
    `('${app}', now() - ${ago}, '${task}', ${sequence}, now() - ${ago} + ${period + 5})`
  );
  await sql(engine, `INSERT INTO ${db}.heartbeats VALUES ${values.join(", ")}`);
}

forEachEngine("cli status: an app whose beats stopped is OVERDUE and exits 1", async (engine) => {
  const db = await tables(engine);
  // "stopped" beat every 30 s until 40 s ago: its last beat expired 5 s ago, within one expiry.
  await beats(engine, db, [["alive", "main", 0, 20], ["stopped", "main", 4, 160], [
    "stopped",
    "main",
    5,
    40,
  ]]);
  const run = await cli(["status", "--heartbeats", `${db}.heartbeats`], connection(engine));
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stdout, /stopped\s+main\s+.*OVERDUE for \d+s/);
  assert.match(run.stdout, /alive\s+main\s+.*ok, \d+s left/);
  assert.match(run.stdout, /1 of 2 tasks OVERDUE/);
  assert.ok(!run.stdout.includes("\x1b["), "no colours when stdout is not a terminal");
});

forEachEngine(
  "cli status: all beating exits 0; --json parses, with gaps and errors",
  async (engine) => {
    const db = await tables(engine);
    await beats(engine, db, [["my_app", "main", 0, 100], ["my_app", "main", 3, 10], [
      "my_app",
      "scan_disk",
      0,
      5,
    ]]);
    await sql(
      engine,
      `INSERT INTO ${db}.logs VALUES ('my_app', now() - 60, 2, 'Oh no!'),` +
        ` ('my_app', now() - 30, 1, 'Disk full'), ('my_app', now() - 20, 4, 'fine'),` +
        ` ('my_app', now() - 7200, 2, 'long ago')`,
    );
    const flags = ["--heartbeats", `${db}.heartbeats`, "--logs", `${db}.logs`];
    const table = await cli(["status", ...flags], connection(engine));
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /all 2 tasks beating/);
    assert.match(table.stdout, /my_app\s+main\s+0 -> 3\s+2/);
    assert.match(table.stdout, /my_app\s+2\s+\S+ \S+\s+Disk full/);

    const json = await cli(["status", ...flags, "--json"], connection(engine));
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.equal(report.ok, true);
    assert.deepEqual(report.heartbeats.tasks.map((t: { task: string }) => t.task), [
      "main",
      "scan_disk",
    ]);
    assert.deepEqual(report.heartbeats.gaps, [
      { app: "my_app", task: "main", lastBeforeGap: 0, firstAfterGap: 3, missing: 2 },
    ]);
    assert.equal(report.logs.apps[0].count, 2);
    assert.equal(report.logs.apps[0].newestMessage, "Disk full");
  },
);

forEachEngine("cli status --config reads the tables and connection from YAML", async (engine) => {
  const db = await tables(engine);
  await beats(engine, db, [["my_app", "main", 0, 600]]);
  const file = await Deno.makeTempFile({ suffix: ".yml" });
  try {
    await Deno.writeTextFile(
      file,
      `app: my_app\nurl: '${engine.url}'\nuser: '${engine.user}'\npassword: '\${PW}'\n` +
        `heartbeat:\n  database: ${db}\n  table: heartbeats\nlogging:\n  database: ${db}\n  table: logs\n`,
    );
    const run = await cli(["status", "--config", file, "--json"], { PW: engine.password });
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.overdue, 1);
    assert.deepEqual(report.logs.apps, []);
  } finally {
    await Deno.remove(file);
  }
});

forEachEngine("cli status: a missing table exits 2 with one line", async (engine) => {
  const run = await cli(["status", "--heartbeats", "nowhere.heartbeats"], connection(engine));
  assert.equal(run.code, 2);
  assert.equal(run.stdout, "");
  assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
  assert.match(run.stderr, /"nowhere\.heartbeats".*does not exist.*check the table names/);
});

Deno.test("cli status: bad usage exits 2 with one line saying what to do", async (t) => {
  for (
    const [args, pattern] of [
      [["status", "--bogus"], /Unknown option "--bogus".*status --help/],
      [["status", "--url"], /"--url" needs a value/],
      [["status", "--url", "http://localhost:8123"], /no table given: pass --config/],
      [["frobnicate"], /Unknown command "frobnicate"/],
      [["status", "--config", "/nonexistent.yml"], /Cannot read config "\/nonexistent.yml"/],
    ] as const
  ) {
    await t.step(args.join(" "), async () => {
      const run = await cli([...args]);
      assert.equal(run.code, 2);
      assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
      assert.match(run.stderr, pattern);
    });
  }
});

Deno.test("cli status: an unreachable server exits 2 with one line", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close(); // nothing listens there now
  const run = await cli(["status", "--url", `http://127.0.0.1:${port}`, "--heartbeats", "a.b"]);
  assert.equal(run.code, 2);
  assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
  assert.match(run.stderr, /Cannot reach ClickHouse.*check that ClickHouse runs there/);
});

Deno.test("cli --help and status --help print usage and exit 0", async () => {
  const main = await cli(["--help"]);
  assert.equal(main.code, 0);
  assert.match(main.stdout, /Commands:\n\s+status/);
  const status = await cli(["status", "--help"]);
  assert.equal(status.code, 0);
  assert.match(status.stdout, /Exit code: 0 all beating, 1 some app or task OVERDUE, 2/);
});

forEachEngine(
  "cli tables --apply creates the config's tables; a second run changes nothing",
  async (engine) => {
    const db = `tusk_test_cli_tables_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
    const file = await Deno.makeTempFile({ suffix: ".yml" });
    try {
      await Deno.writeTextFile(
        file,
        `app: my_app\nurl: '${engine.url}'\nuser: '${engine.user}'\npassword: '${engine.password}'\n` +
          `heartbeat:\n  database: ${db}\n  table: heartbeats\n` +
          `logging:\n  database: ${db}\n  table: logs\n  create_table: { ttl_days: 3 }\n`,
      );
      const printed = await cli(["tables", "--config", file]);
      assert.equal(printed.code, 0, printed.stderr);
      const statements = printed.stdout.split(";\n\n")
        .map((s) => s.split("\n").filter((line) => !line.startsWith("--")).join("\n").trim())
        .filter((s) => s !== "");
      assert.equal(statements.length, 3, printed.stdout);
      assert.match(statements[0]!, /^CREATE DATABASE IF NOT EXISTS `tusk_test_cli_tables_/);
      assert.equal(/TTL .* 3 DAY/.test(printed.stdout), engine.modern);

      const first = await cli(["tables", "--config", file, "--apply"]);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(
        first.stdout,
        `created database ${db}\ncreated ${db}.heartbeats\ncreated ${db}.logs\n`,
      );
      const ddl = await sql(engine, `SHOW CREATE TABLE ${db}.logs`);
      const second = await cli(["tables", "--config", file, "--apply"]);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(
        second.stdout,
        `exists  database ${db}\nexists  ${db}.heartbeats\nexists  ${db}.logs\n`,
      );
      assert.equal(await sql(engine, `SHOW CREATE TABLE ${db}.logs`), ddl);

      // The printed statements run as they are (here: twice, on the existing tables).
      for (const statement of statements) await sql(engine, statement);
    } finally {
      await Deno.remove(file);
      await sql(engine, `DROP DATABASE IF EXISTS ${db}`);
    }
  },
);

forEachEngine("cli tables --apply says which columns a table lacks and exits 1", async (engine) => {
  const db = await freshDatabase(engine, "cli_lacks");
  const time = engine.modern ? "DateTime64(3)" : "DateTime";
  await sql(
    engine,
    `CREATE TABLE ${db}.heartbeats (app String, datetime ${time}, task String)` +
      " ENGINE = MergeTree() ORDER BY (app, datetime)",
  );
  const run = await cli(
    ["tables", "--heartbeats", `${db}.heartbeats`, "--apply"],
    connection(engine),
  );
  assert.equal(run.code, 1, run.stderr);
  assert.match(
    run.stdout,
    new RegExp(`lacks   ${db}\\.heartbeats: no column "sequence", "expiry": run ALTER TABLE`),
  );
});

Deno.test("cli tables: --server-version prints cluster DDL without connecting; bad usage exits 2", async () => {
  const run = await cli([
    "tables",
    "--heartbeats",
    "maintenance.heartbeats",
    "--cluster",
    "tusk",
    "--server-version",
    "18.16.1",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /CREATE DATABASE IF NOT EXISTS `maintenance` ON CLUSTER `tusk`;/);
  assert.match(
    run.stdout,
    /ENGINE = ReplicatedMergeTree\('\/clickhouse\/tables\/\{shard\}\/maintenance\.heartbeats_local', '\{replica\}'\)/,
  );
  assert.match(
    run.stdout,
    /ENGINE = Distributed\(`tusk`, `maintenance`, `heartbeats_local`, rand\(\)\);/,
  );
  for (
    const [args, pattern] of [
      [["tables", "--url", "http://localhost:8123"], /no table given: pass --config/],
      [
        ["tables", "--heartbeats", "a.b", "--apply", "--server-version", "18.16"],
        /exclude each other/,
      ],
      [["tables", "--bogus"], /Unknown option "--bogus".*tables --help/],
    ] as const
  ) {
    const bad = await cli([...args]);
    assert.equal(bad.code, 2, args.join(" "));
    assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
    assert.match(bad.stderr, pattern);
  }
  const help = await cli(["tables", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: tusk tables/);
});

Deno.test("cli tables --apply with a config of several endpoints and no cluster exits 2", async () => {
  // As createTable refuses it: tables made on one endpoint would be missing on the others.
  const dir = await Deno.makeTempDir();
  const file = `${dir}/several.yml`;
  await Deno.writeTextFile(
    file,
    "app: a\nurl: [http://127.0.0.1:1, http://127.0.0.1:2]\n" +
      "heartbeat: { database: m, table: heartbeats }\n",
  );
  try {
    const run = await cli(["tables", "--config", file, "--apply"]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /lists 2 endpoints: give --cluster <name>/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
