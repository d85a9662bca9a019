import { errorTitle, inspect } from "./_inspect.ts";
import { wellFormed } from "./_well_formed.ts";

/**
 * A structured field's value as the text of a `Map(..., String)` attribute:
 * strings as they are, numbers, booleans and bigints in decimal, dates in ISO
 * 8601, errors as `Name: message`, other objects as JSON (inspected when JSON
 * cannot hold them). Never throws; the text is always well formed.
 *
 * @param value The field's value.
 * @returns The text.
 */
export function attributeText(value: unknown): string {
  switch (typeof value) {
    case "string":
      return wellFormed(value);
    case "number":
    case "boolean":
    case "bigint":
    case "undefined":
      return String(value);
    case "symbol":
    case "function":
      return wellFormed(inspect(value));
  }
  if (value === null) return "null";
  try {
    if (value instanceof Date) {
      return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
    }
    if (value instanceof Error) return wellFormed(errorTitle(value));
    const json = JSON.stringify(value);
    if (json !== undefined) return wellFormed(json);
  } catch {
    // A cycle, a bigint inside, a throwing toJSON: shown as the console would.
  }
  return wellFormed(inspect(value));
}
