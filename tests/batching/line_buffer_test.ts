import assert from "node:assert/strict";
import { batchOfLines, LineBuffer } from "../../src/batching/line_buffer.ts";

/** Line `i`, long enough (61 characters) that a few hundred fill a packed group. */
function line(i: number): string {
  return `${i}`.padStart(60, "-") + "\n";
}

Deno.test("LineBuffer.take() returns the oldest lines up to the row and size limits", () => {
  const buffer = new LineBuffer();
  for (const line of ["aa\n", "bb\n", "cc\n", "dd\n"]) buffer.push(line);
  assert.equal(buffer.rows, 4);
  assert.equal(buffer.chars, 12);
  assert.deepEqual(buffer.take(3, 1000).lines(), ["aa\n", "bb\n", "cc\n"]);
  assert.deepEqual(
    buffer.take(10, 1).lines(),
    ["dd\n"],
    "at least one line even when it is larger",
  );
  assert.equal(buffer.rows, 0);
  assert.equal(buffer.chars, 0);
});

Deno.test("LineBuffer.take() stops before a line that would pass maxChars", () => {
  const buffer = new LineBuffer();
  for (const line of ["aaaa\n", "bbbb\n", "cccc\n"]) buffer.push(line);
  assert.deepEqual(buffer.take(10, 12).lines(), ["aaaa\n", "bbbb\n"]);
  assert.equal(buffer.rows, 1);
});

Deno.test("LineBuffer.clear() empties packed and recent lines alike", () => {
  const buffer = new LineBuffer();
  for (let i = 0; i < 1500; i++) buffer.push(line(i)); // some packed into groups
  buffer.take(10, 1000);
  buffer.clear();
  assert.equal(buffer.rows, 0);
  assert.equal(buffer.chars, 0);
  assert.deepEqual(buffer.take(10, 1000).lines(), []);
  buffer.push("next\n");
  assert.deepEqual(buffer.take(10, 1000).lines(), ["next\n"]);
});

Deno.test("LineBuffer.dropOldest() removes from the front and keeps counts exact", () => {
  const buffer = new LineBuffer();
  for (let i = 0; i < 5000; i++) buffer.push(line(i));
  for (let i = 0; i < 4000; i++) assert.equal(buffer.dropOldest(), line(i));
  assert.equal(buffer.rows, 1000);
  assert.equal(buffer.take(1, 100).lines()[0], line(4000));
  assert.equal(buffer.chars, 999 * 61);
});

Deno.test("LineBuffer keeps lines exact across packed groups", async (t) => {
  const lines = Array.from(
    { length: 2000 },
    (_, i) => `{"i":${i},"s":"é${"x".repeat(40 + i % 7)}"}\n`,
  );
  await t.step("take() spanning groups returns every line in order", () => {
    const buffer = new LineBuffer();
    for (const line of lines) buffer.push(line);
    const first = buffer.take(700, 1e9);
    const rest = buffer.take(5000, 1e9);
    assert.deepEqual([first.rows, rest.rows], [700, 1300]);
    assert.deepEqual([...first.lines(), ...rest.lines()], lines);
    assert.equal(buffer.rows, 0);
    assert.equal(buffer.chars, 0);
  });
  await t.step("dropOldest() then take() after packing", () => {
    const buffer = new LineBuffer();
    for (const line of lines) buffer.push(line);
    for (let i = 0; i < 600; i++) assert.equal(buffer.dropOldest(), lines[i]);
    assert.deepEqual(buffer.take(10, 1e9).lines(), lines.slice(600, 610));
    assert.equal(buffer.rows, 1390);
  });
});

Deno.test("a batch from take() is a few packed pieces whose text is its lines", () => {
  const buffer = new LineBuffer();
  const lines = Array.from({ length: 1500 }, (_, i) => line(i));
  for (const l of lines) buffer.push(l);
  buffer.dropOldest();
  const batch = buffer.take(1200, 1e9);
  assert.deepEqual([batch.rows, batch.chars], [1200, 1200 * 61]);
  // A few packed strings, not one piece per line.
  assert.ok(batch.pieces().length > 1 && batch.pieces().length < 10);
  assert.equal(batch.pieces().join(""), lines.slice(1, 1201).join(""));
  assert.deepEqual(batch.lines(), lines.slice(1, 1201));
  assert.equal(batch.lines(), batch.lines(), "cut once, then kept");
});

Deno.test("batchOfLines() makes a batch of lines that exist one by one", () => {
  const batch = batchOfLines(["a\n", "bc\n"]);
  assert.deepEqual([batch.rows, batch.chars, batch.pieces(), batch.lines()], [
    2,
    5,
    ["a\n", "bc\n"],
    ["a\n", "bc\n"],
  ]);
});
