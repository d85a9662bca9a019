import { type ColumnType, unwrapType } from "../schema/column_type.ts";
import { wellFormed } from "../logging/log_values.ts";
import { jsonText } from "./_json_text.ts";

/** How the properties column holds a record's properties. */
export type PropertiesKind = "map" | "json";

/**
 * The key of the property whose error fills the `error` and `stacktrace`
 * columns: `error` (where LogTape puts the error of `logger.error(err)` and
 * `logger.error("message", err)`) when it holds an error, else the first
 * property that does.
 *
 * @param properties The record's properties.
 * @returns The key, or `undefined` when no property holds an error.
 */
export function errorKey(properties: Readonly<Record<string, unknown>>): string | undefined {
  if (isErrorLike(properties.error)) return "error";
  for (const key in properties) if (isErrorLike(properties[key])) return key;
  return undefined;
}

/**
 * How a column can hold the properties: a `Map` of strings to strings (any
 * `LowCardinality`/`Nullable` wrapping) takes one entry per property; a
 * `String` takes a JSON object.
 *
 * @param type The column's type.
 * @returns The kind, or `undefined` for a column that can hold neither.
 */
export function propertiesKind(type: ColumnType): PropertiesKind | undefined {
  const t = unwrapType(type);
  if (t.kind === "string") return "json";
  if (t.kind !== "map") return undefined;
  const textual = unwrapType(t.key).kind === "string" && unwrapType(t.value).kind === "string";
  return textual ? "map" : undefined;
}

/**
 * The properties column's value: for a `Map`, each value as text (a string as
 * it is, anything else as JSON); for a `String`, one JSON object. Never throws.
 *
 * @param kind The column's kind.
 * @param properties The properties to write, as `[key, value]` pairs.
 * @returns The value for the row.
 */
export function propertiesValue(
  kind: PropertiesKind,
  properties: ReadonlyArray<readonly [string, unknown]>,
): Record<string, string> | string {
  if (kind === "json") return wellFormed(jsonText(Object.fromEntries(properties)));
  const out: Record<string, string> = {};
  for (const [key, value] of properties) {
    out[wellFormed(key)] = wellFormed(typeof value === "string" ? value : jsonText(value));
  }
  return out;
}

function isErrorLike(value: unknown): boolean {
  try {
    return value instanceof Error ||
      (typeof value === "object" && value !== null &&
        typeof (value as Error).name === "string" && typeof (value as Error).stack === "string");
  } catch {
    return false; // a proxy whose traps throw is no error to write
  }
}
