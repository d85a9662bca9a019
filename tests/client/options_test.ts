import assert from "node:assert/strict";
import { resolveOptions } from "../../src/client/options.ts";

Deno.test("resolveOptions() applies the original's defaults", () => {
  const o = resolveOptions({});
  assert.equal(o.url, "http://localhost:8123");
  assert.equal(o.user, "default");
  assert.equal(o.password, "");
  assert.equal(o.database, "default");
  assert.equal(o.clientName, "default");
  assert.equal(o.requestTimeoutMs, 30_000);
});

Deno.test("resolveOptions() builds the URL from host, port and secure", async (t) => {
  await t.step("secure defaults to port 8443", () => {
    assert.equal(
      resolveOptions({ host: "ch.example", secure: true }).url,
      "https://ch.example:8443",
    );
  });
  await t.step("an explicit url wins", () => {
    assert.equal(
      resolveOptions({ url: "https://x.example/", host: "y", port: 1 }).url,
      "https://x.example",
    );
  });
});

Deno.test("resolveOptions() moves credentials out of the URL", () => {
  const o = resolveOptions({ url: "http://tester:P%40assw0rd@127.0.0.1:8123" });
  assert.equal(o.url, "http://127.0.0.1:8123");
  assert.equal(o.user, "tester");
  assert.equal(o.password, "P@assw0rd");
});

Deno.test("resolveOptions() turns asyncInsert into the settings ClickHouse recommends", () => {
  const o = resolveOptions({ asyncInsert: true });
  assert.deepEqual(o.clickhouseSettings, { async_insert: 1, wait_for_async_insert: 1 });
});

Deno.test("resolveOptions() names every bad option", async (t) => {
  await t.step("wrong type", () => {
    assert.throws(() => resolveOptions({ port: "abc" }), (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.match(
        e.message,
        /^Cannot initialize Tusk: option "port": expected a number, got "abc"$/,
      );
      return true;
    });
  });
  await t.step("unknown key", () => {
    assert.throws(() => resolveOptions({ hostname: "x" }), /option "hostname": unknown key/);
  });
  await t.step("several at once", () => {
    assert.throws(
      () => resolveOptions({ port: 0, secure: "yes" }),
      /option "port": .*; option "secure": expected a boolean/,
    );
  });
  await t.step("never echoes the password", () => {
    assert.throws(
      () => resolveOptions({ password: 12345678 }),
      (e: Error) => !e.message.includes("12345678"),
    );
  });
});

Deno.test("resolveOptions() takes compression none or gzip, and names any other value", () => {
  assert.equal(resolveOptions({}).compression, "none");
  assert.equal(resolveOptions({ compression: "gzip" }).compression, "gzip");
  assert.throws(
    () => resolveOptions({ compression: "zstd" }),
    (e) =>
      e instanceof TypeError && /option "compression"/.test(e.message) && /"zstd"/.test(e.message),
  );
});

Deno.test("resolveOptions() says what is wrong with a URL, its password masked", async (t) => {
  const cases: [string, string, string][] = [
    [
      "port out of range",
      "http://tester:P@assw0rd@127.0.0.1:99999",
      'option "url": port 99999 is out of range (1-65535) in "http://tester:***@127.0.0.1:99999"',
    ],
    [
      "IPv6 literal without its ]",
      "http://tester:P@assw0rd@[::1:18123",
      'option "url": IPv6 address without its closing "]" in "http://tester:***@[::1:18123"',
    ],
    [
      "a space in the host",
      "http://tester:P@assw0rd@my host:8123",
      'option "url": a space in the host in "http://tester:***@my host:8123"',
    ],
    [
      "not http(s)",
      "ftp://tester:P@assw0rd@127.0.0.1",
      'option "url": "ftp:" is not http or https in "ftp://tester:***@127.0.0.1"',
    ],
    [
      "no scheme (not shown)",
      "tester:P@assw0rd@127.0.0.1:8123",
      'option "url": expected a URL starting with http:// or https://',
    ],
  ];
  for (const [what, url, expected] of cases) {
    await t.step(what, () => {
      assert.throws(() => resolveOptions({ url }), (e: Error) => {
        assert.ok(e instanceof TypeError);
        assert.equal(e.message, `Cannot initialize Tusk: ${expected}`);
        return true;
      });
    });
  }
});

Deno.test("resolveOptions() takes a host alone, an IPv6 address with or without brackets", () => {
  assert.equal(resolveOptions({ host: "::1" }).url, "http://[::1]:8123");
  assert.equal(resolveOptions({ host: "[::1]", port: 9000 }).url, "http://[::1]:9000");
  assert.throws(
    () => resolveOptions({ host: "tester:P@assw0rd@127.0.0.1" }),
    (e: Error) =>
      e.message ===
        'Cannot initialize Tusk: option "host": expected a host without "@" (credentials go in user and password)',
  );
  assert.throws(
    () => resolveOptions({ port: 99999 }),
    /^TypeError: Cannot initialize Tusk: option "port": port 99999 is out of range \(1-65535\)$/,
  );
});

Deno.test("resolveOptions() never shows the password, even given in the wrong option", () => {
  assert.throws(
    () => resolveOptions({ password: "S3cr3t!", compression: "S3cr3t!" }),
    (e: Error) =>
      e.message ===
        'Cannot initialize Tusk: option "compression": expected "none" | "gzip", got "***"',
  );
});

Deno.test("resolveOptions() takes url as a list: endpoints that hold the same data", async (t) => {
  await t.step("one shard of every URL, in order; url is the first", () => {
    const o = resolveOptions({ url: ["http://a:8123/", "http://b:8123"] });
    assert.deepEqual(o.shards, [["http://a:8123", "http://b:8123"]]);
    assert.equal(o.url, "http://a:8123");
  });
  await t.step("one URL alone is one shard of one", () => {
    assert.deepEqual(resolveOptions({ url: "http://a:8123" }).shards, [["http://a:8123"]]);
    assert.deepEqual(resolveOptions({}).shards, [["http://localhost:8123"]]);
  });
  await t.step("credentials leave every URL; the first URL's are used", () => {
    const o = resolveOptions({ url: ["http://tester:P%40ss@a:8123", "http://other:x@b:8123"] });
    assert.deepEqual(o.shards, [["http://a:8123", "http://b:8123"]]);
    assert.equal(o.user, "tester");
    assert.equal(o.password, "P@ss");
  });
  await t.step("an empty list is refused", () => {
    assert.throws(
      () => resolveOptions({ url: [] }),
      (e: Error) =>
        e instanceof TypeError &&
        e.message === 'Cannot initialize Tusk: option "url": expected at least one URL',
    );
  });
  await t.step("a bad URL in the list is named by its place, its password masked", () => {
    assert.throws(
      () => resolveOptions({ url: ["http://a:8123", "http://tester:S3cr3t@b:99999"] }),
      (e: Error) =>
        e instanceof TypeError &&
        e.message ===
          'Cannot initialize Tusk: option "url.1": port 99999 is out of range (1-65535) in ' +
            '"http://tester:***@b:99999"',
    );
  });
});

Deno.test("resolveOptions() takes shards: one list of replicas per shard", async (t) => {
  await t.step("as given, without credentials", () => {
    const o = resolveOptions({
      shards: [["http://u:p@a1:8123", "http://a2:8123/"], ["http://b1:8123"]],
    });
    assert.deepEqual(o.shards, [["http://a1:8123", "http://a2:8123"], ["http://b1:8123"]]);
    assert.equal(o.url, "http://a1:8123");
    assert.equal(o.user, "u");
    assert.equal(o.password, "p");
  });
  await t.step("no shard, or a shard without a URL, is refused", () => {
    assert.throws(() => resolveOptions({ shards: [] }), /option "shards": expected at least one/);
    assert.throws(
      () => resolveOptions({ shards: [["http://a:8123"], []] }),
      /option "shards\.1": expected at least one URL/,
    );
  });
  await t.step("url and shards together: a TypeError naming both", () => {
    assert.throws(
      () => resolveOptions({ url: ["http://a:8123"], shards: [["http://b:8123"]] }),
      (e: Error) => e instanceof TypeError && /"url"/.test(e.message) && /"shards"/.test(e.message),
    );
    assert.throws(
      () => resolveOptions({ url: "http://a:8123", shards: [["http://b:8123"]] }),
      TypeError,
    );
  });
});

Deno.test("resolveOptions() takes loadBalancing round_robin (the default), in_order or random", () => {
  assert.equal(resolveOptions({}).loadBalancing, "round_robin");
  assert.equal(resolveOptions({ url: ["http://a:1", "http://b:2"] }).loadBalancing, "round_robin");
  for (const policy of ["round_robin", "in_order", "random"] as const) {
    assert.equal(resolveOptions({ loadBalancing: policy }).loadBalancing, policy);
  }
  assert.throws(
    () => resolveOptions({ loadBalancing: "first" }),
    (e: Error) =>
      e instanceof TypeError &&
      e.message ===
        'Cannot initialize Tusk: option "loadBalancing": expected "round_robin" | "in_order" | ' +
          '"random", got "first"',
  );
});
