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
