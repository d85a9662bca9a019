import assert from "node:assert/strict";
import vm from "node:vm";
import { checkRow } from "../../src/batching/_check_row.ts";

function refusal(row: unknown): string {
  try {
    checkRow({ name: "db.cpu" }, row);
  } catch (error) {
    assert.ok(error instanceof TypeError);
    return error.message;
  }
  assert.fail(`accepted ${String(row)}`);
}

Deno.test("checkRow() refuses what is not a plain record, naming the table and the kind", async (t) => {
  const prefix = 'Cannot write to "db.cpu": a row must be a plain object ({ column: value }), got ';
  await t.step("null, undefined and primitives", () => {
    assert.equal(refusal(null), `${prefix}null`);
    assert.equal(refusal(undefined), `${prefix}undefined`);
    assert.equal(refusal(42), `${prefix}a number (42)`);
    assert.equal(refusal("region=Tokyo"), `${prefix}a string ("region=Tokyo")`);
  });
  await t.step("an array", () => {
    assert.equal(refusal([{ region: "Tokyo" }]), `${prefix}an array`);
  });
  await t.step("a Map, which would otherwise store a row of defaults", () => {
    assert.equal(refusal(new Map([["id", 1]])), `${prefix}a Map`);
  });
  await t.step("class instances", () => {
    assert.equal(refusal(new Date(0)), `${prefix}a Date`);
    class Sample {
      region = "Tokyo";
    }
    assert.equal(refusal(new Sample()), `${prefix}a Sample`);
  });
});

Deno.test("checkRow() accepts plain records, with or without a prototype", () => {
  checkRow({ name: "db.cpu" }, { region: "Tokyo" });
  checkRow({ name: "db.cpu" }, {});
  checkRow({ name: "db.cpu" }, Object.assign(Object.create(null), { region: "Tokyo" }));
  // A plain object made in another realm has that realm's Object.prototype.
  const foreign = vm.runInNewContext('({ region: "Tokyo" })');
  assert.notEqual(Object.getPrototypeOf(foreign), Object.prototype);
  checkRow({ name: "db.cpu" }, foreign);
  assert.throws(() => checkRow({ name: "db.cpu" }, vm.runInNewContext("new Map()")), /got a Map$/);
});
