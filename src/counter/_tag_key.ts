// The identity of a tag set: the same for the same tags in any key order, and
// different for different tags. Keys are sorted and JSON-quoted, and every
// value is written in a self-delimiting form led by its type, so no choice of
// strings can make two tag sets meet (`{a: "x&b=y"}` is not `{a: "x", b: "y"}`,
// `{a: "1"}` is not `{a: 1}`).
import { describeKind } from "../schema/describe_kind.ts";
import { isPlainRecord } from "../schema/plain_record.ts";

/** A tag set as `count()` receives it. */
export type Tags = Readonly<Record<string, unknown>>;

/**
 * The key of a tag set. `undefined` values are left out, as rows leave them out.
 *
 * @param tags The tags.
 * @returns The key.
 * @throws {TypeError} When `tags` is not a plain object, or a value is a function or symbol.
 */
export function tagKey(tags: Tags): string {
  if (!isPlainRecord(tags)) {
    throw new TypeError(
      `Cannot count: tags must be a plain object ({ tag: value }), got ${describeKind(tags)}`,
    );
  }
  const keys = Object.keys(tags);
  if (keys.length > 1) keys.sort();
  let key = "";
  for (const name of keys) {
    const value = tags[name];
    if (value === undefined) continue;
    key += JSON.stringify(name) + ":" + valueKey(value, name) + ",";
  }
  return key;
}

/**
 * A copy of the tags, in key order, that later changes by the caller cannot reach.
 *
 * @param tags The tags, already accepted by {@linkcode tagKey}.
 * @returns A fresh object.
 */
export function copyTags(tags: Tags): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const name of Object.keys(tags).sort()) {
    const value = tags[name];
    if (value === undefined) continue;
    copy[name] = typeof value === "object" && value !== null ? structuredClone(value) : value;
  }
  return copy;
}

function valueKey(value: unknown, name: string): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return "n" + value;
    case "bigint":
      return "b" + value;
    case "boolean":
      return value ? "T" : "F";
    case "object":
      return objectKey(value, name);
    case "undefined":
      return "U"; // only nested: top-level undefined values are left out
    default:
      throw new TypeError(`Cannot count: tag "${name}" is a ${typeof value}`);
  }
}

// Nested values keep their own key order: a map or tuple given in another order
// may mean another row, so it gets another key (at worst, two rows that sum up).
function objectKey(value: object | null, name: string): string {
  if (value === null) return "N";
  if (value instanceof Date) return "d" + value.getTime();
  if (Array.isArray(value)) return "[" + value.map((v) => valueKey(v, name)).join(",") + "]";
  const entries = value instanceof Map ? [...value] : Object.entries(value);
  const tag = value instanceof Map ? "M{" : "{";
  return tag + entries.map(([k, v]) => valueKey(k, name) + ":" + valueKey(v, name)).join(",") +
    "}";
}
