import assert from "node:assert/strict";
import { Table } from "../src/table.ts";

Deno.test("Table.fromString() parses database.table and a bare table", () => {
  const qualified = Table.fromString("system.cpu");
  assert.equal(qualified.database, "system");
  assert.equal(qualified.tableName, "cpu");
  assert.equal(qualified.toString(), "system.cpu");
  const bare = Table.fromString("cpu");
  assert.equal(bare.database, undefined);
  assert.equal(bare.tableName, "cpu");
});

Deno.test("Table.fromString() rejects malformed names", () => {
  for (const name of ["", ".cpu", "a.", "a.b.c"]) {
    assert.throws(() => Table.fromString(name), TypeError, name);
  }
});

Deno.test("new Table() keeps the time column", () => {
  const table = new Table({ database: "system", tableName: "cpu", timeColumn: "datetime" });
  assert.equal(table.timeColumn, "datetime");
});
