import assert from "node:assert/strict";
import { errorKey } from "../../src/logtape/_error_key.ts";

Deno.test("errorKey() prefers `error`, else the first property holding an error", () => {
  const e = new Error("x");
  assert.equal(errorKey({ a: e, error: e }), "error");
  assert.equal(errorKey({ a: 1, b: e, c: e }), "b");
  assert.equal(errorKey({ error: "not an error", b: e }), "b");
  assert.equal(errorKey({ a: 1 }), undefined);
  const errorLike = { name: "DOMException", message: "m", stack: "DOMException: m" };
  assert.equal(errorKey({ errorLike }), "errorLike");
});
