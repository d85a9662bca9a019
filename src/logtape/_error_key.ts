/**
 * The key of the property whose error fills the `error` and `stacktrace`
 * columns (or the `exception.*` attributes): `error` (where LogTape puts the
 * error of `logger.error(err)` and `logger.error("message", err)`) when it
 * holds an error, else the first property that does.
 *
 * @param properties The record's properties.
 * @returns The key, or `undefined` when no property holds an error.
 */
export function errorKey(properties: Readonly<Record<string, unknown>>): string | undefined {
  if (isErrorLike(properties.error)) return "error";
  for (const key in properties) if (isErrorLike(properties[key])) return key;
  return undefined;
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
