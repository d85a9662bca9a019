import assert from "node:assert/strict";
import { firstError, formatArgs } from "../../src/logging/format_args.ts";

Deno.test("formatArgs() substitutes %s, %d, %i, %f, %o, %O, %j and drops %c", () => {
  assert.equal(formatArgs(["%s has %d items", "cart", 3]), "cart has 3 items");
  assert.equal(formatArgs(["%i|%f|%d", "42.9px", "1.5", 10n]), "42|1.5|10n");
  assert.equal(formatArgs(["%o and %O", { a: [1, "x"] }, [1]]), '{ a: [ 1, "x" ] } and [ 1 ]');
  assert.equal(formatArgs(["%cstyled", "color: red"]), "styled");
  assert.equal(formatArgs(["%j", { a: 1 }]), '{"a":1}');
  assert.equal(formatArgs(["%d", {}]), "NaN");
});

Deno.test("formatArgs() keeps a lone format string and unused directives as the console does", async (t) => {
  await t.step("one argument is printed as is", () => {
    assert.equal(formatArgs(["100%% %s"]), "100%% %s");
  });
  await t.step("%% is a percent sign when there are arguments", () => {
    assert.equal(formatArgs(["100%% %s", "done"]), "100% done");
  });
  await t.step("directives without arguments stay; extra arguments follow", () => {
    assert.equal(formatArgs(["%s and %s", "a"]), "a and %s");
    assert.equal(formatArgs(["%s", "a", "b", 1, null, undefined]), "a b 1 null undefined");
    assert.equal(formatArgs(["%x", 1]), "%x 1");
  });
});

Deno.test("formatArgs() inspects values safely", async (t) => {
  await t.step("cycles", () => {
    const a: Record<string, unknown> = { n: 1 };
    a.self = a;
    assert.equal(formatArgs(["x", a]), "x { n: 1, self: [Circular] }");
  });
  await t.step("collections, dates, functions, classes, symbols, null prototype", () => {
    assert.equal(
      formatArgs([new Map([["k", new Set([1])]]), new Date(0), function named() {}, class K {}]),
      'Map(1) { "k" => Set(1) { 1 } } 1970-01-01T00:00:00.000Z [Function: named] [class K]',
    );
    assert.equal(
      formatArgs([Symbol("s"), Object.create(null)]),
      "Symbol(s) [Object: null prototype] {}",
    );
    assert.equal(formatArgs([new Uint8Array([1, 2])]), "Uint8Array(2) [ 1, 2 ]");
  });
  await t.step("depth and width are bounded", () => {
    assert.equal(
      formatArgs([{ a: { b: { c: { d: { e: { f: 1 } } } } } }]),
      "{ a: { b: { c: { d: { e: [Object] } } } } }",
    );
    assert.match(
      formatArgs([Array.from({ length: 150 }, (_, i) => i)]),
      /\.\.\. 50 more items \]$/,
    );
  });
  await t.step("getters are not run; hostile values do not throw", () => {
    let ran = false;
    const lazy = {
      get x() {
        ran = true;
        return 1;
      },
    };
    assert.equal(formatArgs([lazy]), "{ x: [Getter] }");
    assert.equal(ran, false);
    const hostile = new Proxy({}, {
      ownKeys() {
        throw new Error("no");
      },
    });
    assert.equal(formatArgs(["%s", hostile]), "[unprintable]");
    const bad = {
      toString: () => {
        throw new Error("no");
      },
    };
    assert.equal(formatArgs(["%d %f", Symbol("x"), bad]), "NaN [unprintable]");
  });
  await t.step("an error shows as its title, nested errors in brackets", () => {
    assert.equal(formatArgs(["failed:", new TypeError("bad")]), "failed: TypeError: bad");
    assert.equal(formatArgs([{ e: new RangeError("r") }]), "{ e: [RangeError: r] }");
  });
});

Deno.test("firstError() finds the first Error argument", () => {
  const error = new TypeError("x");
  assert.equal(firstError(["a", 1, error, new Error("y")]), error);
  assert.equal(firstError(["a"]), undefined);
});
