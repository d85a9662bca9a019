import assert from "node:assert/strict";
import * as tusk from "../../mod.ts";
import * as tuskYaml from "../../src/config/mod.ts";
import { FakeClickHouse } from "../_helpers/fake_clickhouse.ts";

function problemsOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof tuskYaml.TuskConfigError, String(error));
    return error.message;
  }
  assert.fail("expected a TuskConfigError");
}

Deno.test("forYaml() reports every unknown key, wrong type and missing key at once, with paths", () => {
  const consoleBefore = console.log;
  const message = problemsOf(() =>
    tuskYaml.forYaml(
      [
        "app: my_app",
        "hostname: localhost",
        "port: abc",
        "heartbeat:",
        "  database: maintenance",
        "  period: abc",
        "logging:",
        "  database: maintenance",
        "  level: loud",
      ].join("\n"),
      { source: "example.yml", env: {} },
    )
  );
  assert.equal(
    message,
    [
      'example.yml: port: expected a number, got "abc"',
      "example.yml: heartbeat.table: missing required key",
      'example.yml: heartbeat.period: expected a number, got "abc"',
      "example.yml: logging.table: missing required key",
      'example.yml: logging.level: expected "critical" | "error" | "warning" | "warn" | "info" | "debug", got "loud"',
      "example.yml: hostname: unknown key",
    ].join("\n"),
  );
  assert.equal(tusk.getClient(), undefined, "nothing was started");
  assert.equal(console.log, consoleBefore, "console was not intercepted");
});

Deno.test("forYaml() gives a syntax error's line and column", () => {
  const message = problemsOf(() =>
    tuskYaml.forYaml("app: my_app\nheartbeat:\n  table: [unclosed\n", { source: "bad.yml" })
  );
  assert.match(message, /^bad\.yml: line \d+, column \d+: YAML syntax error: /);
});

Deno.test("forConfig() reports an unset ${VAR} and never echoes a password", () => {
  const message = problemsOf(() =>
    tuskYaml.forConfig({ password: "${NOT_SET_ANYWHERE}", user: 42 }, { env: {} })
  );
  assert.match(message, /config: password: environment variable "NOT_SET_ANYWHERE" is not set/);
  assert.match(message, /config: user: expected a string, got 42/);
  assert.equal(
    problemsOf(() => tuskYaml.forConfig({ password: 1234567 }, { env: {} })),
    "config: password: expected a string, got a number",
  );
});

Deno.test("forConfig() needs an app name for heartbeat and logging", () => {
  const message = problemsOf(() => tuskYaml.forConfig({ heartbeat: { table: "hb" } }, { env: {} }));
  assert.match(message, /^config: app: missing/);
});

Deno.test("forYaml() passes compression to init(), and names a value it does not know", async () => {
  assert.equal(
    problemsOf(() => tuskYaml.forYaml("compression: zstd", { source: "c.yml", env: {} })),
    'c.yml: compression: expected "none" | "gzip", got "zstd"',
  );
  // The file's compression reaches init(): a large insert goes out gzipped.
  const server = new FakeClickHouse([["s", "String"]]);
  const encodings: (string | null)[] = [];
  const fake: typeof fetch = (input, init) => {
    encodings.push(new Headers(init?.headers).get("content-encoding"));
    return server.fetch(input, init);
  };
  const setup = tuskYaml.forYaml("url: http://ch.invalid:8123\ncompression: gzip", {
    env: {},
    init: { fetch: fake },
  });
  try {
    const m = tusk.metric("db.t");
    for (let i = 0; i < 100; i++) m.write({ s: "x".repeat(20) });
    await m.flush();
    assert.equal(encodings.at(-1), "gzip");
  } finally {
    await setup.stop();
    await tusk.close();
  }
});

Deno.test("forYaml() reports an unset ${VAR} once, as unset, with its key path", () => {
  const message = problemsOf(() =>
    tuskYaml.forYaml("port: ${PORT_MISSING}\nheartbeat: ${HB_MISSING}\n", {
      source: "c.yml",
      env: {},
    })
  );
  assert.equal(
    message,
    [
      'c.yml: port: environment variable "PORT_MISSING" is not set (use ${PORT_MISSING:-default})',
      'c.yml: heartbeat: environment variable "HB_MISSING" is not set (use ${HB_MISSING:-default})',
    ].join("\n"),
  );
});

Deno.test("forYaml() still reports an unknown key whose ${VAR} is unset", () => {
  const message = problemsOf(() => tuskYaml.forYaml("hostname: ${NOPE}", { env: {} }));
  assert.match(message, /config: hostname: environment variable "NOPE" is not set/);
  assert.match(message, /config: hostname: unknown key/);
});

Deno.test("forConfig() shows a secret variable by its name where its value is misplaced", () => {
  const env = { CH_PASSWORD: "S3cr3t!" };
  assert.equal(
    problemsOf(() => tuskYaml.forConfig({ port: "${CH_PASSWORD}" }, { env })),
    'config: port: expected a number, got "${CH_PASSWORD}"',
  );
  assert.equal(
    problemsOf(() =>
      tuskYaml.forConfig({ password: "S3cr3t!", compression: "S3cr3t!" }, { env: {} })
    ),
    'config: compression: expected "none" | "gzip", got "***"',
  );
});

Deno.test("forConfig() says what is wrong with a URL, its password masked", () => {
  assert.equal(
    problemsOf(() =>
      tuskYaml.forConfig({ url: "http://tester:${PW}@127.0.0.1:99999" }, { env: { PW: "x@y" } })
    ),
    'config: url: port 99999 is out of range (1-65535) in "http://tester:***@127.0.0.1:99999"',
  );
});

Deno.test("forYaml() passes logging.layout to logging.init(), and names a layout it does not know", async () => {
  assert.equal(
    problemsOf(() =>
      tuskYaml.forYaml("app: my_app\nlogging:\n  table: otel_logs\n  layout: json", {
        source: "l.yml",
        env: {},
      })
    ),
    'l.yml: logging.layout: expected "tusk" | "otel", got "json"',
  );
  const attributes = "Map(LowCardinality(String), String)";
  const server = new FakeClickHouse([
    ["Timestamp", "DateTime64(9)"],
    ["SeverityText", "LowCardinality(String)"],
    ["SeverityNumber", "UInt8"],
    ["ServiceName", "LowCardinality(String)"],
    ["Body", "String"],
    ["ResourceAttributes", attributes],
    ["ScopeName", "String"],
    ["LogAttributes", attributes],
  ]);
  const setup = tuskYaml.forYaml(
    [
      "url: http://ch.invalid:8123",
      "app: my_app",
      "logging:",
      "  database: observability",
      "  table: otel_logs",
      "  layout: otel",
      "  console: false",
    ].join("\n"),
    { env: {}, init: { fetch: server.fetch } },
  );
  try {
    const { getLogger } = await import("../../src/logging/mod.ts");
    getLogger().warning("from YAML");
    await tusk.flush();
    assert.match(server.requests.find((r) => r.startsWith("INSERT"))!, /observability.*otel_logs/);
    const row = server.rows()[0]!;
    assert.deepEqual(
      [row.ServiceName, row.SeverityNumber, row.SeverityText, row.Body],
      ["my_app", 13, "WARN", "from YAML"],
    );
  } finally {
    await setup.stop();
    await tusk.close();
  }
});

Deno.test("forYaml() takes heartbeat.create_table and logging.create_table as booleans or { cluster, ttl_days }", async () => {
  assert.equal(
    problemsOf(() =>
      tuskYaml.forYaml("app: a\nheartbeat:\n  table: hb\n  create_table: maybe", {
        source: "t.yml",
        env: {},
      })
    ),
    't.yml: heartbeat.create_table: expected boolean | Object, got "maybe"',
  );
  assert.equal(
    problemsOf(() =>
      tuskYaml.forYaml("app: a\nheartbeat:\n  table: hb\n  create_table: { shards: 2 }", {
        source: "t.yml",
        env: {},
      })
    ),
    "t.yml: heartbeat.create_table: expected boolean | Object, got an object",
  );
  const setup = tuskYaml.forYaml(
    [
      "url: http://ch.invalid:8123",
      "app: my_app",
      "heartbeat:\n  table: hb\n  create_table: true",
      "logging:\n  table: logs\n  create_table: { cluster: tusk, ttl_days: 3 }\n  console: false",
    ].join("\n"),
    { source: "t.yml", env: {}, init: { fetch: new FakeClickHouse([]).fetch, onError: () => {} } },
  );
  await setup.stop();
  await tusk.close();
});

/** A fake server that answers on every host, and the hosts its inserts reached. */
function anyHost() {
  const server = new FakeClickHouse([["n", "UInt32"]]);
  const hosts: string[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if ((await request.clone().text()).startsWith("INSERT")) {
      hosts.push(new URL(request.url).hostname);
    }
    return await server.fetch(request);
  };
  return { fetch: fetchFn, hosts };
}

Deno.test("forYaml() takes url as a list, and load_balancing", async () => {
  const fake = anyHost();
  const setup = tuskYaml.forYaml(
    [
      "url:",
      "  - http://a.invalid:8123",
      "  - http://b.invalid:8123",
      "load_balancing: in_order",
    ].join("\n"),
    { env: {}, init: { fetch: fake.fetch } },
  );
  try {
    const m = tusk.metric("db.t");
    for (let i = 0; i < 3; i++) {
      m.write({ n: i });
      await m.flush();
    }
    assert.deepEqual(fake.hosts, ["a", "a", "a"].map((h) => `${h}.invalid`), "in_order");
    const endpoints = Object.values(tusk.stats())[0]!.endpoints!;
    assert.deepEqual(endpoints.map((e) => [e.url, e.shard, e.state]), [
      ["http://a.invalid:8123", 0, "up"],
      ["http://b.invalid:8123", 0, "up"],
    ]);
  } finally {
    await setup.stop();
    await tusk.close();
  }
});

Deno.test("forYaml() takes shards, one list of replicas per shard", async () => {
  const fake = anyHost();
  const setup = tuskYaml.forYaml(
    "shards:\n  - [http://a1.invalid:8123, http://a2.invalid:8123]\n  - [http://b1.invalid:8123]",
    { env: {}, init: { fetch: fake.fetch } },
  );
  try {
    const m = tusk.metric("db.t");
    for (let i = 0; i < 4; i++) {
      m.write({ n: i });
      await m.flush();
    }
    assert.deepEqual(fake.hosts.map((h) => h[0]), ["a", "b", "a", "b"], "shards in turn");
    const endpoints = Object.values(tusk.stats())[0]!.endpoints!;
    assert.deepEqual(endpoints.map((e) => [e.url, e.shard]), [
      ["http://a1.invalid:8123", 0],
      ["http://a2.invalid:8123", 0],
      ["http://b1.invalid:8123", 1],
    ]);
  } finally {
    await setup.stop();
    await tusk.close();
  }
});

Deno.test("forYaml() names a bad url list, shards or load_balancing", () => {
  assert.equal(
    problemsOf(() => tuskYaml.forYaml("load_balancing: first", { source: "c.yml", env: {} })),
    'c.yml: load_balancing: expected "round_robin" | "in_order" | "random", got "first"',
  );
  assert.match(
    problemsOf(() => tuskYaml.forYaml("shards: []", { source: "c.yml", env: {} })),
    /^c\.yml: shards: /,
  );
  assert.match(
    problemsOf(() => tuskYaml.forYaml("url: []", { source: "c.yml", env: {} })),
    /^c\.yml: url: /,
  );
  assert.equal(
    problemsOf(() =>
      tuskYaml.forYaml("url: [http://a:8123]\nshards: [[http://b:8123]]", {
        source: "c.yml",
        env: {},
      })
    ),
    'c.yml: shards: give "url" (endpoints with the same data) or "shards" (replicas per shard), ' +
      "not both",
  );
});
