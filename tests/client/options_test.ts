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
