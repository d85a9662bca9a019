import assert from "node:assert/strict";
import { getTextFormatter, type LogRecord } from "@logtape/logtape";
import { renderMessage } from "../../src/logtape/_render_message.ts";

// LogTape's text formatter reduced to the message, with its escaping of control characters off
// (a table is not a terminal): what the message column must hold.
const logtapeMessage = getTextFormatter({
  timestamp: "disabled",
  sanitize: false,
  format: ({ message }) => message,
});

function recordOf(message: unknown[]): LogRecord {
  return {
    category: ["app"],
    level: "info",
    message,
    rawMessage: "",
    timestamp: 0,
    properties: {},
  };
}

Deno.test("renderMessage() renders values as LogTape's text formatter does in this runtime", () => {
  const cyclic: Record<string, unknown> = { name: "loop" };
  cyclic.self = cyclic;
  const values: unknown[] = [
    "alice",
    42,
    -0,
    12n,
    true,
    null,
    undefined,
    { id: 7, tags: ["a", "b"], nested: { deep: { deeper: { deepest: 1 } } } },
    Array.from({ length: 150 }, (_, i) => i),
    "x".repeat(20_000),
    new Map([["k", 1]]),
    new Set([1]),
    new Date(0),
    new RangeError("bad"),
    cyclic,
    Symbol("s"),
    function named() {},
  ];
  for (const value of values) {
    const parts = ["before ", value, " after"];
    assert.equal(renderMessage(parts), logtapeMessage(recordOf(parts)).replace(/\n$/, ""));
  }
});

Deno.test("renderMessage() keeps text parts as they are and shows what resists as [unprintable]", () => {
  assert.equal(
    renderMessage(["plain \x1b[31mred\x1b[0m\nnext line"]),
    "plain \x1b[31mred\x1b[0m\nnext line",
  );
  assert.equal(renderMessage(["a ", 1, " b ", 2, ""]), "a 1 b 2");
  const hostile = new Proxy({}, {
    getPrototypeOf() {
      throw new Error("no");
    },
    ownKeys() {
      throw new Error("no");
    },
  });
  assert.match(renderMessage(["value: ", hostile, ""]), /^value: /);
});
