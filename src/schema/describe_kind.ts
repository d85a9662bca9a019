/**
 * Names the kind of a value for "got ..." in error messages, with its article.
 *
 * @module
 */

const MAX_TEXT = 40;

/**
 * Names what kind of value was given, the way a message reads after "got":
 * `null`, `undefined`, `an array`, `a Map`, `a Date`, `a number (42)`,
 * `a string ("abc")`, `an object`. Primitives show their value (strings
 * clipped); objects show their class, never their contents. Never throws and
 * runs no user code (no getters, no `toString`).
 *
 * @param value Anything.
 * @param options `{ value: false }` names the kind only (`a string`), for a value
 * that may be a secret.
 * @returns The kind, e.g. `"a Map"`.
 *
 * @example
 * ```ts
 * import { describeKind } from "./describe_kind.ts";
 * describeKind(null); // "null"
 * describeKind([1]); // "an array"
 * describeKind(42); // "a number (42)"
 * ```
 */
export function describeKind(value: unknown, options: DescribeKindOptions = {}): string {
  try {
    const kind = kindOf(value);
    // "a number (42)" -> "a number": the value stays out of the message.
    return options.value === false ? kind.replace(/ \(.*\)$/s, "") : kind;
  } catch {
    return "an unprintable value";
  }
}

/** Options of {@linkcode describeKind}. */
export interface DescribeKindOptions {
  /**
   * Show a primitive's value (`false` for a value that may be a secret).
   * @default {true}
   */
  value?: boolean;
}

/**
 * `"a"` or `"an"` followed by the word, by its first letter (`"an"` before a
 * vowel, except a capital U).
 *
 * @param word A noun, e.g. `"Int8Array"`.
 * @returns The noun with its article, e.g. `"an Int8Array"`.
 *
 * @example
 * ```ts
 * import { withArticle } from "./describe_kind.ts";
 * withArticle("Int8Array"); // "an Int8Array"
 * withArticle("Uint8Array"); // "a Uint8Array"
 * ```
 */
export function withArticle(word: string): string {
  // A capital U starts class names read "you" (Uint8Array, URL, UUID).
  return `${/^[aeiouAEIO]/.test(word) ? "an" : "a"} ${word}`;
}

function kindOf(value: unknown): string {
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "string":
      return `a string (${
        JSON.stringify(value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}...` : value)
      })`;
    case "number":
      return `a number (${Object.is(value, -0) ? "-0" : value})`;
    case "bigint":
      return `a bigint (${clip(`${value}n`)})`;
    case "boolean":
      return `a boolean (${value})`;
    case "symbol":
      return `a symbol (${clip(value.toString())})`;
    case "function":
      return /^class[\s{]/.test(Function.prototype.toString.call(value)) ? "a class" : "a function";
  }
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const name = className(value as object);
  return name === undefined ? "an object" : withArticle(name);
}

// The name of the object's class, read from its prototype chain without
// invoking getters; undefined for plain objects and nameless classes.
function className(object: object): string | undefined {
  const proto = Object.getPrototypeOf(object);
  if (proto === null) return undefined;
  const descriptor = Object.getOwnPropertyDescriptor(proto, "constructor");
  const name = (descriptor?.value as { name?: unknown } | undefined)?.name;
  if (typeof name !== "string" || name === "" || name === "Object") return undefined;
  return clip(name);
}

function clip(text: string, max = MAX_TEXT): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
