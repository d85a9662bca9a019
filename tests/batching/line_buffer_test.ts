import assert from "node:assert/strict";
import { bodyPieces, LineBuffer } from "../../src/batching/line_buffer.ts";

/** Line `i`, long enough (61 characters) that a few hundred fill a packed group. */
function line(i: number): string {
  return `${i}`.padStart(60, "-") + "\n";
}

Deno.test("LineBuffer.take() returns the oldest lines up to the row and size limits", () => {
  const buffer = new LineBuffer();
  for (const line of ["aa\n", "bb\n", "cc\n", "dd\n"]) buffer.push(line);
  assert.equal(buffer.rows, 4);
  assert.equal(buffer.chars, 12);
  assert.deepEqual(buffer.take(3, 1000), ["aa\n", "bb\n", "cc\n"]);
  assert.deepEqual(buffer.take(10, 1), ["dd\n"], "at least one line even when it is larger");
  assert.equal(buffer.rows, 0);
  assert.equal(buffer.chars, 0);
});

Deno.test("LineBuffer.take() stops before a line that would pass maxChars", () => {
  const buffer = new LineBuffer();
  for (const line of ["aaaa\n", "bbbb\n", "cccc\n"]) buffer.push(line);
  assert.deepEqual(buffer.take(10, 12), ["aaaa\n", "bbbb\n"]);
  assert.equal(buffer.rows, 1);
});

Deno.test("LineBuffer.clear() empties packed and recent lines alike", () => {
  const buffer = new LineBuffer();
  for (let i = 0; i < 1500; i++) buffer.push(line(i)); // some packed into groups
  buffer.take(10, 1000);
  buffer.clear();
  assert.equal(buffer.rows, 0);
  assert.equal(buffer.chars, 0);
  assert.deepEqual(buffer.take(10, 1000), []);
  buffer.push("next\n");
  assert.deepEqual(buffer.take(10, 1000), ["next\n"]);
});

Deno.test("LineBuffer.dropOldest() removes from the front and keeps counts exact", () => {
  const buffer = new LineBuffer();
  for (let i = 0; i < 5000; i++) buffer.push(line(i));
  for (let i = 0; i < 4000; i++) assert.equal(buffer.dropOldest(), line(i));
  assert.equal(buffer.rows, 1000);
  assert.equal(buffer.take(1, 100)[0], line(4000));
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
    assert.deepEqual([...first, ...rest], lines);
    assert.equal(buffer.rows, 0);
    assert.equal(buffer.chars, 0);
  });
  await t.step("dropOldest() then take() after packing", () => {
    const buffer = new LineBuffer();
    for (const line of lines) buffer.push(line);
    for (let i = 0; i < 600; i++) assert.equal(buffer.dropOldest(), lines[i]);
    assert.deepEqual(buffer.take(10, 1e9), lines.slice(600, 610));
    assert.equal(buffer.rows, 1390);
  });
});

Deno.test("bodyPieces() join to the batch's lines, also for a batch changed after take()", () => {
  const buffer = new LineBuffer();
  const lines = Array.from({ length: 1500 }, (_, i) => line(i));
  for (const l of lines) buffer.push(l);
  const batch = buffer.take(1200, 1e9);
  // Taken whole: a few packed strings, not one piece per line.
  assert.ok(bodyPieces(batch).length > 1 && bodyPieces(batch).length < 10);
  assert.equal(bodyPieces(batch).join(""), lines.slice(0, 1200).join(""));
  batch[0] = "";
  assert.equal(bodyPieces(batch).join(""), lines.slice(1, 1200).join(""));
  assert.equal(bodyPieces(batch.slice(3)).join(""), lines.slice(3, 1200).join(""));
});
