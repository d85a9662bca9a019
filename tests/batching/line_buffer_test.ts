import assert from "node:assert/strict";
import { LineBuffer } from "../../src/batching/line_buffer.ts";

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

Deno.test("LineBuffer.unshift() puts a taken batch back in front, in order", () => {
  const buffer = new LineBuffer();
  for (const line of ["1\n", "2\n", "3\n"]) buffer.push(line);
  const batch = buffer.take(2, 100);
  buffer.push("4\n");
  buffer.unshift(batch);
  assert.deepEqual(buffer.take(10, 100), ["1\n", "2\n", "3\n", "4\n"]);
});

Deno.test("LineBuffer.dropOldest() removes from the front and keeps counts exact", () => {
  const buffer = new LineBuffer();
  for (let i = 0; i < 5000; i++) buffer.push(`${i}\n`);
  for (let i = 0; i < 4000; i++) assert.equal(buffer.dropOldest(), `${i}\n`);
  assert.equal(buffer.rows, 1000);
  assert.equal(buffer.take(1, 100)[0], "4000\n");
  assert.equal(buffer.chars, 999 * 5);
});
