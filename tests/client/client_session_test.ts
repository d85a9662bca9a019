import assert from "node:assert/strict";
import { ClientSession } from "../../src/client/client_session.ts";
import { type InitOptions, resolveOptions } from "../../src/client/options.ts";
import { FakeClickHouse } from "../_helpers/fake_clickhouse.ts";

/**
 * A fake server that also answers the server-facts queries: `version()`,
 * and which of the settings asked about it knows.
 */
function factsServer(version: string, knownSettings: readonly string[]) {
  const server = new FakeClickHouse([]);
  const fetchFn: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const body = await request.clone().text();
    const answer = await server.fetch(request); // recorded like every request
    if (body.includes("version()")) return new Response(JSON.stringify({ version }) + "\n");
    if (body.includes("system.settings")) {
      const asked = [...body.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
      const rows = asked.filter((name) => knownSettings.includes(name));
      return new Response(rows.map((name) => JSON.stringify({ name }) + "\n").join(""));
    }
    return answer;
  };
  const versionReads = () => server.requests.filter((b) => b.includes("version()")).length;
  return { server, fetch: fetchFn, versionReads };
}

function session(options: InitOptions, shareReads = true) {
  const reports: Error[] = [];
  const s = new ClientSession(
    resolveOptions(options),
    (e) => void reports.push(e),
    () => shareReads,
  );
  return { session: s, reports };
}

const BASE: InitOptions = {
  url: "http://ch.example:8123",
  user: "writer",
  password: "secret",
  database: "telemetry",
  env: { TUSK_HOST: "web-1", REGION: "eu" },
  envTags: "prefixed",
  clickhouseSettings: { async_insert: 1, max_insert_threads: 2 },
};

Deno.test("ClientSession.fits() is true for the same target and row filling", async (t) => {
  await t.step("the same options resolved again", () => {
    const { session: s } = session(BASE);
    assert.equal(s.fits(resolveOptions({ ...BASE })), true);
  });
  await t.step("equal env and clickhouseSettings records given as new objects", () => {
    const { session: s } = session(BASE);
    const next = resolveOptions({
      ...BASE,
      env: { REGION: "eu", TUSK_HOST: "web-1" },
      clickhouseSettings: { max_insert_threads: 2, async_insert: 1 },
    });
    assert.equal(s.fits(next), true);
  });
  await t.step("options that do not touch the server or the rows may change", () => {
    const { session: s } = session(BASE);
    const next = resolveOptions({
      ...BASE,
      closeTimeout: 3,
      flushTimeout: 5,
      batching: { maxRows: 10 },
      onError: () => {},
    });
    assert.equal(s.fits(next), true);
  });
  await t.step("no env on either side", () => {
    const { session: s } = session({ ...BASE, env: undefined });
    assert.equal(s.fits(resolveOptions({ ...BASE, env: undefined })), true);
  });
});

Deno.test("ClientSession.fits() is false when the server, user or row filling differ", async (t) => {
  const differences: Array<[string, InitOptions]> = [
    ["url", { url: "http://ch.example:9000" }],
    ["user", { user: "reader" }],
    ["password", { password: "other" }],
    ["database", { database: "staging" }],
    ["an env value", { env: { TUSK_HOST: "web-2", REGION: "eu" } }],
    ["an env key more", { env: { TUSK_HOST: "web-1", REGION: "eu", ZONE: "a" } }],
    ["an env key less", { env: { TUSK_HOST: "web-1" } }],
    ["no env", { env: undefined }],
    ["envTags", { envTags: "bare" }],
    ["a clickhouseSettings value", {
      clickhouseSettings: { async_insert: 0, max_insert_threads: 2 },
    }],
    ["a clickhouseSettings value's type", {
      clickhouseSettings: { async_insert: "1", max_insert_threads: 2 },
    }],
    ["a clickhouseSettings key more", {
      clickhouseSettings: { async_insert: 1, max_insert_threads: 2, log_queries: 1 },
    }],
    ["asyncInsert (it becomes settings)", { clickhouseSettings: {}, asyncInsert: true }],
    ["requestTimeout", { requestTimeout: 5 }],
    ["compression", { compression: "gzip" }],
    ["fetch", { fetch: (input, init) => fetch(input, init) }],
  ];
  for (const [what, change] of differences) {
    await t.step(what, () => {
      const { session: s } = session(BASE);
      assert.equal(s.fits(resolveOptions({ ...BASE, ...change })), false);
    });
  }
});

Deno.test("ClientSession.columnDefaults() reads env tags from the env record", async (t) => {
  const env = { TUSK_HOST: "web-1", HOST: "bare-host", REGION: "eu", TUSK_PORT: 8080 };
  const columns = ["host", "region", "port", "service"];
  await t.step('"prefixed" reads TUSK_<COLUMN>', () => {
    const { session: s } = session({ ...BASE, env, envTags: "prefixed" });
    assert.deepEqual(s.columnDefaults(columns), { host: "web-1" });
  });
  await t.step('"bare" reads <COLUMN>', () => {
    const { session: s } = session({ ...BASE, env, envTags: "bare" });
    assert.deepEqual(s.columnDefaults(columns), { host: "bare-host", region: "eu" });
  });
  await t.step('"off" reads nothing', () => {
    const { session: s } = session({ ...BASE, env, envTags: "off" });
    assert.deepEqual(s.columnDefaults(columns), {});
  });
  await t.step("a value that is not a string is not a tag", () => {
    const { session: s } = session({ ...BASE, env, envTags: "prefixed" });
    assert.deepEqual(s.columnDefaults(["port"]), {});
  });
  await t.step("the options an init() kept the session with are used", () => {
    const { session: s } = session({ ...BASE, env, envTags: "prefixed" });
    s.options = resolveOptions({ ...BASE, env, envTags: "off" });
    assert.deepEqual(s.columnDefaults(columns), {});
  });
});

Deno.test("ClientSession.insertSettings() asks the server once and leaves out unknown settings", async (t) => {
  const known = ["async_insert", "insert_deduplication_token"];
  const wanted = { async_insert: 1, made_up_setting: 5 };

  await t.step("the settings the server knows, and deduplication tokens", async () => {
    const fake = factsServer("26.7.2.1", known);
    const { session: s } = session({ ...BASE, clickhouseSettings: wanted, fetch: fake.fetch });
    assert.deepEqual(await s.insertSettings(), {
      settings: { async_insert: 1 },
      deduplicationTokens: true,
    });
  });
  await t.step("asked once over many calls, reported once", async () => {
    const fake = factsServer("26.7.2.1", known);
    const { session: s, reports } = session({
      ...BASE,
      clickhouseSettings: wanted,
      fetch: fake.fetch,
    });
    await Promise.all([s.insertSettings(), s.insertSettings()]);
    await s.insertSettings();
    await s.insertSettings();
    assert.equal(fake.versionReads(), 1);
    assert.equal(fake.server.requests.length, 2, "one version() and one system.settings query");
    assert.equal(reports.length, 1);
    assert.equal(
      reports[0]!.message,
      'Cannot use settings "made_up_setting": server 26.7.2.1 does not know them; they are not sent',
    );
  });
  await t.step(
    "without shared reads, concurrent callers ask on their own, then nobody asks",
    async () => {
      const fake = factsServer("26.7.2.1", known);
      const { session: s, reports } = session(
        { ...BASE, clickhouseSettings: wanted, fetch: fake.fetch },
        false,
      );
      await Promise.all([s.insertSettings(), s.insertSettings()]);
      assert.equal(fake.versionReads(), 2);
      await s.insertSettings();
      assert.equal(fake.versionReads(), 2, "the answer is kept once known");
      assert.equal(reports.length, 1);
    },
  );
  await t.step("nothing unknown: no report", async () => {
    const fake = factsServer("26.7.2.1", known);
    const { session: s, reports } = session({
      ...BASE,
      clickhouseSettings: { async_insert: 1 },
      fetch: fake.fetch,
    });
    assert.deepEqual((await s.insertSettings()).settings, { async_insert: 1 });
    assert.equal(reports.length, 0);
  });
  await t.step("a server without insert_deduplication_token: no tokens", async () => {
    const fake = factsServer("18.16.1", ["async_insert"]);
    const { session: s } = session({ ...BASE, clickhouseSettings: {}, fetch: fake.fetch });
    assert.deepEqual(await s.insertSettings(), { settings: {}, deduplicationTokens: false });
  });
  await t.step("a token the user set: theirs is sent, none made per batch", async () => {
    const fake = factsServer("26.7.2.1", known);
    const { session: s } = session({
      ...BASE,
      clickhouseSettings: { insert_deduplication_token: "mine" },
      fetch: fake.fetch,
    });
    assert.deepEqual(await s.insertSettings(), {
      settings: { insert_deduplication_token: "mine" },
      deduplicationTokens: false,
    });
  });
  await t.step("a failed read rejects, and the next call asks again", async () => {
    const fake = factsServer("26.7.2.1", known);
    fake.server.down = true;
    const { session: s } = session({ ...BASE, clickhouseSettings: {}, fetch: fake.fetch });
    await assert.rejects(s.insertSettings(), /Cannot read the server's version/);
    fake.server.down = false;
    assert.equal((await s.insertSettings()).deduplicationTokens, true);
    assert.equal(fake.versionReads(), 2);
  });
});
