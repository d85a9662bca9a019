import assert from "node:assert/strict";
import { maskUrl } from "../../src/validation/mask_url.ts";

Deno.test("maskUrl() replaces a URL's password with ***, keeping the user", () => {
  assert.equal(
    maskUrl("http://tester:P@assw0rd@127.0.0.1:99999"),
    "http://tester:***@127.0.0.1:99999",
  );
  assert.equal(maskUrl("https://u:p%40ss@h/db?x=1"), "https://u:***@h/db?x=1");
});

Deno.test("maskUrl() masks userinfo whole when the user name cannot be told apart", async (t) => {
  await t.step("an @ and no colon: a password given as the user", () => {
    assert.equal(maskUrl("http://P@assw0rd@host:8123"), "http://***@host:8123");
  });
  await t.step("no user before the colon", () => {
    assert.equal(maskUrl("http://:secret@host"), "http://***@host");
  });
  await t.step("a password holding / or # (the last @ is taken)", () => {
    assert.equal(maskUrl("http://u:pa/ss#w@host:1"), "http://u:***@host:1");
  });
});

Deno.test("maskUrl() leaves URLs without a password, and plain text, as they are", () => {
  for (const text of ["http://host:8123", "http://tester@host", "not a url", "a@b", ""]) {
    assert.equal(maskUrl(text), text);
  }
  assert.equal(
    maskUrl("tester:P@ss@host:8123"),
    "tester:***@host:8123",
    "user:pass@ without scheme",
  );
});
