import assert from "node:assert/strict";
import {
  type ConsoleDialect,
  firstError,
  formatArgs,
  formatLogCall,
} from "../../src/logging/format_args.ts";

const node = { dialect: "node" } as const;

Deno.test("formatArgs() substitutes %s, %d, %i, %f, %o, %O, %j and drops %c", () => {
  assert.equal(formatArgs(["%s has %d items", "cart", 3]), "cart has 3 items");
  assert.equal(formatArgs(["%i|%f|%d", "42.9px", "1.5", 10n], node), "42|1.5|10n");
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
    assert.equal(formatArgs(["%s", hostile], node), "[unprintable]");
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

// What each console printed for `console.log("%<code>", value)`, read off Node 20, Deno 2.9 and
// Bun 1.4; the Deno column is also checked against the real console below.
const PRINTED: Array<[string, unknown, node: string, deno: string, bun: string]> = [
  ["d", 42.5, "42.5", "42", "42"],
  ["d", -42.5, "-42.5", "-42", "-42"],
  ["d", "42.5", "42.5", "42", "42"],
  ["d", null, "0", "NaN", "0"],
  ["d", true, "1", "NaN", "1"],
  ["d", [5], "5", "5", "5"],
  ["d", 1e21, "1e+21", "1", "1"],
  ["d", -0, "-0", "0", "0"],
  ["d", " 12ab", "NaN", "12", "NaN"],
  ["d", "0x1F", "31", "31", "31"],
  ["d", Infinity, "Infinity", "NaN", "NaN"],
  ["d", new Date(5), "5", "NaN", "5"],
  ["d", {}, "NaN", "NaN", "NaN"],
  ["d", 1n, "1n", "1", "1"],
  ["i", 42.5, "42", "42", "42"],
  ["i", null, "NaN", "NaN", "0"],
  ["i", " 12ab", "12", "12", "NaN"],
  ["i", 1.5e-7, "1", "1", "1"],
  ["i", 1n, "1n", "1", "1"],
  ["i", "0x1F", "31", "31", "31"],
  ["f", "3.5x", "3.5", "3.5", "NaN"],
  ["f", null, "NaN", "NaN", "0"],
  ["f", "0x1F", "0", "0", "31"],
  ["f", -0, "0", "0", "0"],
  ["s", 42.5, "42.5", "42.5", "42.5"],
  ["s", -0, "-0", "0", "0"],
  ["s", 1n, "1n", "1", "1"],
  ["s", {}, "{}", "[object Object]", "[object Object]"],
  ["s", [5, "a"], '[ 5, "a" ]', "5,a", "5,a"],
  ["s", { toString: () => "7" }, "7", "7", "7"],
];

Deno.test("formatArgs() stores what each runtime's console printed for %d, %i, %f and %s", async (t) => {
  const dialects: ConsoleDialect[] = ["node", "deno", "bun"];
  for (const [index, dialect] of dialects.entries()) {
    await t.step(dialect, () => {
      for (const [code, value, ...printed] of PRINTED) {
        assert.equal(
          formatArgs([`%${code}`, value], { dialect }),
          printed[index],
          `%${code} of ${String(value)}`,
        );
      }
    });
  }
});

// Source text for the values above, so a child process can print them.
function source(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value);
  if (Object.is(value, -0)) return "-0";
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (Array.isArray(value)) return `[${value.map(source).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    if (Object.hasOwn(value, "toString")) return '({ toString: () => "7" })';
    return "({})";
  }
  return String(value);
}

Deno.test("formatArgs() matches what this Deno's console prints, by default", async () => {
  const cases = PRINTED.map(([code, value]) => [`%${code}`, value]);
  const program = cases.map(([format, value]) =>
    `console.log(${source(format)}, ${source(value)});`
  )
    .join("\n");
  const { stdout, success } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", program],
    env: { NO_COLOR: "1" },
    stdout: "piped",
  }).output();
  assert.ok(success);
  const printed = new TextDecoder().decode(stdout).trimEnd().split("\n");
  assert.deepEqual(cases.map((args) => formatArgs(args)), printed);
});

Deno.test("formatLogCall() formats a logger call as the console does", async (t) => {
  await t.step("directives take the arguments after the message", () => {
    assert.deepEqual(formatLogCall("with %s", ["x"]), {
      message: "with x",
      error: undefined,
      fields: undefined,
    });
    assert.equal(formatLogCall("%s has %i items", ["cart", 3]).message, "cart has 3 items");
    assert.equal(formatLogCall("user %o", [{ id: 1 }]).fields, undefined);
  });
  await t.step("arguments the message does not use follow it, as the console prints them", () => {
    assert.equal(formatLogCall("a", ["b", 1, null]).message, "a b 1 null");
    assert.equal(formatLogCall("set", [new Map([[1, 2]])]).message, "set Map(1) { 1 => 2 }");
    assert.equal(formatLogCall(42, ["x"]).message, "42 x");
    assert.equal(formatLogCall({ a: 1 }, []).message, "{ a: 1 }");
    assert.equal(formatLogCall("100%% sure", []).message, "100%% sure");
  });
  await t.step(
    "a trailing plain object is fields, a trailing Error fills the error columns",
    () => {
      const error = new RangeError("r");
      assert.deepEqual(formatLogCall("served %s", ["/a", { requestId: "r-1" }]), {
        message: "served /a",
        error: undefined,
        fields: { requestId: "r-1" },
      });
      assert.deepEqual(formatLogCall("failed %s", ["job", error, { requestId: "r-1" }]), {
        message: "failed job",
        error,
        fields: { requestId: "r-1" },
      });
      assert.deepEqual(formatLogCall("failed", [error]), {
        message: "failed",
        error,
        fields: undefined,
      });
    },
  );
});
