import assert from "node:assert/strict";
import { isPlainRecord } from "../../src/schema/plain_record.ts";

Deno.test("isPlainRecord() takes object literals and null-prototype records only", async (t) => {
  await t.step("plain records", () => {
    assert.equal(isPlainRecord({}), true);
    assert.equal(isPlainRecord({ id: 1 }), true);
    assert.equal(isPlainRecord(Object.create(null)), true);
  });
  await t.step("not records", () => {
    for (
      const value of [null, undefined, 42, "s", [], new Map(), new Date(0), new (class A {})()]
    ) {
      assert.equal(isPlainRecord(value), false, String(value));
    }
  });
});
