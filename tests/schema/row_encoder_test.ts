import assert from "node:assert/strict";
import { TuskValidationError } from "../../src/errors.ts";
import type { ColumnInfo } from "../../src/schema/describe_table.ts";
import { parseType } from "../../src/schema/parse_type.ts";
import { RowEncoder } from "../../src/schema/row_encoder.ts";

function columns(spec: Record<string, string>): ColumnInfo[] {
  return Object.entries(spec).map(([name, typeText]) => ({
    name,
    typeText,
    type: parseType(typeText),
  }));
}

const METRIC = columns({
  time: "DateTime64(3)",
  host: "String",
  category: "String",
  value: "Float64",
});
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0, 123);

function parse(line: string): unknown {
  assert.ok(line.endsWith("}\n"), `a line ends with "}\\n": ${JSON.stringify(line)}`);
  return JSON.parse(line);
}

Deno.test("RowEncoder.encode() fills the time column first and the env tags a row leaves out", () => {
  const encoder = new RowEncoder(METRIC, { table: "db.m", defaults: { category: "web" } });
  const line = encoder.encode({ host: "a", value: 0.5 }, NOW);
  assert.ok(line.startsWith(`{"time":${NOW},`), line);
  assert.deepEqual(parse(line), { time: NOW, category: "web", host: "a", value: 0.5 });
  // The row's own value wins over the env tag, and its own time over the write's.
  assert.deepEqual(parse(encoder.encode({ host: "a", category: "db", time: 5 }, NOW)), {
    time: 5,
    host: "a",
    category: "db",
  });
  // The clock is asked only when the row leaves the time out.
  let asked = 0;
  encoder.encode({ time: 1 }, () => (asked++, NOW));
  assert.equal(asked, 0);
  encoder.encode({}, () => (asked++, NOW));
  assert.equal(asked, 1);
});

Deno.test("RowEncoder.encode() fills the env tags a row leaves out when it gives its own time", async (t) => {
  const encoder = new RowEncoder(METRIC, {
    table: "db.m",
    defaults: { host: "box-1", category: "web" },
  });
  await t.step("no tag given: every tag filled", () => {
    assert.deepEqual(parse(encoder.encode({ time: 5, value: 0.5 }, NOW)), {
      time: 5,
      host: "box-1",
      category: "web",
      value: 0.5,
    });
  });
  await t.step("one tag given: the other filled, the given one kept", () => {
    assert.deepEqual(parse(encoder.encode({ value: 1, category: "db", time: 6 }, NOW)), {
      time: 6,
      host: "box-1",
      category: "db",
      value: 1,
    });
  });
  await t.step("the same row without its time gets the same tags", () => {
    assert.deepEqual(parse(encoder.encode({ value: 0.5 }, NOW)), {
      time: NOW,
      host: "box-1",
      category: "web",
      value: 0.5,
    });
  });
});

Deno.test("RowEncoder.encode() gives the same text for a repeated value, and still checks each one", () => {
  const encoder = new RowEncoder(columns({ s: "String", n: "UInt8" }), { table: "db.t" });
  const first = encoder.encode({ n: 1, s: "repeated" }, NOW);
  assert.equal(encoder.encode({ n: 1, s: "repeated" }, NOW), first);
  assert.deepEqual(parse(first), { n: 1, s: "repeated" });
  // A value refused once is refused every time (refusals are not remembered as pieces).
  for (let i = 0; i < 2; i++) {
    assert.throws(
      () => encoder.encode({ n: 1, s: "bad \ud800" }, NOW),
      (e) =>
        e instanceof TuskValidationError && e.column === "s" && /lone surrogate/.test(e.reason),
    );
  }
});

Deno.test("RowEncoder.encode() names the table, column and value it refuses", () => {
  const encoder = new RowEncoder(METRIC, { table: "db.m" });
  assert.throws(
    () => encoder.encode({ host: "a", value: "high" }, NOW),
    (e) =>
      e instanceof TuskValidationError && e.table === "db.m" && e.column === "value" &&
      /"high"/.test(e.message),
  );
  assert.throws(
    () => encoder.encode({ hots: "a" }, NOW),
    (e) =>
      e instanceof TuskValidationError && e.column === "hots" && /no such column/.test(e.reason),
  );
});

Deno.test("RowEncoder.template() writes the same row as encode(), encoding fixed values once", () => {
  const encoder = new RowEncoder(
    columns({
      datetime: "DateTime64(3)",
      app: "String",
      level: "Int8",
      message: "String",
      host: "String",
    }),
    { table: "db.logs", defaults: { host: "box-1" } },
  );
  const template = encoder.template(["message", null, "level"], { app: "my_app" });
  assert.equal(template.encoder, encoder);
  const line = template.line(['Hello "world"\n', "ignored", 4], NOW);
  assert.deepEqual(
    parse(line),
    parse(encoder.encode({ app: "my_app", level: 4, message: 'Hello "world"\n' }, NOW)),
  );
  // Values left undefined are left out; the next millisecond gets its own time.
  assert.deepEqual(parse(template.line([undefined, undefined, 2], NOW + 1)), {
    datetime: NOW + 1,
    app: "my_app",
    host: "box-1",
    level: 2,
  });
  assert.throws(
    () => template.line(["x", undefined, 1000], NOW),
    (e) => e instanceof TuskValidationError && e.table === "db.logs" && e.column === "level",
  );
  assert.throws(
    () => encoder.template(["mesage"], {}),
    (e) => e instanceof TuskValidationError && e.column === "mesage",
  );
});

Deno.test("RowEncoder.template() opens the line itself on a table without a time column", () => {
  const encoder = new RowEncoder(columns({ a: "String", b: "UInt8" }), { table: "db.t" });
  assert.deepEqual(parse(encoder.template(["b"], { a: "x" }).line([1], NOW)), { a: "x", b: 1 });
  const bare = encoder.template(["b"], {});
  assert.deepEqual(parse(bare.line([1], NOW)), { b: 1 });
  assert.equal(bare.line([undefined], NOW), "{}\n");
});

Deno.test("RowEncoder.encode() is exact whatever order and keys each row comes with", () => {
  const encoder = new RowEncoder(columns({ a: "String", b: "UInt8", c: "Float64" }), {
    table: "db.t",
  });
  const rows: Record<string, unknown>[] = [
    { a: "x", b: 1, c: 0.5 },
    { c: 1.5, a: "y", b: 2 },
    { b: 3 },
    { a: "z", c: 2.5, b: 4 },
    { a: "x", b: 1, c: 0.5 },
  ];
  for (const row of rows) assert.deepEqual(parse(encoder.encode(row, NOW)), row);
  // A key remembered at a position does not let an unknown key through there.
  assert.throws(() => encoder.encode({ a: "x", bb: 1 }, NOW), /"bb"/);
  assert.throws(() => encoder.encode({ zz: 1 }, NOW), /"zz"/);
  assert.deepEqual(parse(encoder.encode({ a: "x", b: 1 }, NOW)), { a: "x", b: 1 });
});
