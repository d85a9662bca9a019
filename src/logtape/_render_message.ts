import { isCloudflareWorkers } from "../runtime/platform.ts";
import { jsonText } from "../logging/log_values.ts";

// A record's message is its template's text with the values between: the
// values are rendered as LogTape's default text formatter renders them, with
// the runtime's own inspect (strings quoted, objects as the console shows
// them), so the row's message reads as the same record printed by LogTape's
// console or file sinks. The text parts are kept as they are: a table is not a
// terminal, so LogTape's escaping of control characters is not applied.

type Inspect = (value: unknown) => string;

type DenoInspect = (value: unknown, options: Record<string, unknown>) => string;
type NodeUtil = { inspect(value: unknown, options: Record<string, unknown>): string };

let platform: Inspect | undefined;

/**
 * Renders a record's message parts into one line of text. Never throws: a
 * value whose rendering throws shows as `[unprintable]`.
 *
 * @param parts The record's `message`: text, value, text, ... (odd length).
 * @returns The message.
 */
export function renderMessage(parts: readonly unknown[]): string {
  if (parts.length === 1) return String(parts[0]);
  const inspect = platform ??= platformInspect();
  let message = "";
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    message += i % 2 === 0 ? String(part) : renderValue(inspect, part);
  }
  return message;
}

function renderValue(inspect: Inspect, value: unknown): string {
  try {
    return inspect(value);
  } catch {
    return "[unprintable]";
  }
}

// The same choice as LogTape's formatter, made once, at the first message
// (nothing runtime-specific is touched when the module loads): Deno's inspect
// in Deno; Node's `util.inspect` in Node and Bun; JSON, two-space indented,
// where LogTape's bundle for Workers and browsers falls back to it.
function platformInspect(): Inspect {
  const g = globalThis as {
    Deno?: { inspect?: DenoInspect };
    process?: { getBuiltinModule?: (name: string) => unknown };
  };
  const denoInspect = g.Deno?.inspect;
  if (typeof denoInspect === "function") {
    return (value) => denoInspect(value, { strAbbreviateSize: Infinity, iterableLimit: Infinity });
  }
  if (!isCloudflareWorkers() && typeof g.process?.getBuiltinModule === "function") {
    const util = g.process.getBuiltinModule("node:util") as NodeUtil | undefined;
    if (typeof util?.inspect === "function") {
      return (value) =>
        util.inspect(value, { maxArrayLength: Infinity, maxStringLength: Infinity });
    }
  }
  return (value) => jsonText(value, 2);
}
