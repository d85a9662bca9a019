import { type ColumnType, unwrapType } from "../schema/column_type.ts";
import { jsonText } from "./_json_text.ts";
import { wellFormed } from "./_well_formed.ts";

/** How the properties column holds a row's other fields. */
export type PropertiesKind = "map" | "json";

/**
 * The `"tusk"` layout's properties column: the column that receives the
 * fields no `contextColumns` entry takes.
 */
export interface PropertiesColumn {
  /** The column's name. */
  name: string;
  /**
   * Whether a table without it is reported; else it is written where the
   * table has it and silently left out where not.
   */
  required: boolean;
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
