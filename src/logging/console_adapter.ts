import type { AnyFunction } from "./caller.ts";

/** The console methods Tusk intercepts, with the level each one writes. */
export const CONSOLE_LEVELS: Readonly<Record<ConsoleMethod, number>> = {
  error: 2,
  warn: 3,
  info: 4,
  log: 4,
  debug: 5,
};

/** A console method Tusk intercepts. */
export type ConsoleMethod = "error" | "warn" | "info" | "log" | "debug";

/** Receives one intercepted call; `above` is the wrapper the application called. */
export type ConsoleRecorder = (level: number, args: unknown[], above: AnyFunction) => void;

/**
 * Wraps `console.error`, `warn`, `info`, `log` and `debug`: each call goes to
 * the method that was there before, with the same `this` and arguments (so it
 * prints exactly as it did, and its result or exception is the caller's), then
 * to `record`, whose failures are swallowed. Works wherever `console` is a
 * plain object: Deno, Node, Bun, Cloudflare Workers.
 *
 * @param target The console to wrap.
 * @param record Called after each call has printed.
 * @returns Restores the methods; a method someone else wrapped since is left
 * alone, and our wrapper inside it only passes calls through from then on.
 */
export function interceptConsole(target: object, record: ConsoleRecorder): () => void {
  const console = target as Record<ConsoleMethod, unknown>;
  const installed: Array<{ method: ConsoleMethod; original: AnyFunction; wrapper: AnyFunction }> =
    [];
  let active = true;
  for (const method of Object.keys(CONSOLE_LEVELS) as ConsoleMethod[]) {
    const found = console[method];
    if (typeof found !== "function") continue;
    const original = found as AnyFunction;
    const level = CONSOLE_LEVELS[method];
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      const result = original.apply(this, args);
      if (active) {
        try {
          record(level, args, wrapper);
        } catch {
          // Logging must never break the application's console.
        }
      }
      return result;
    };
    Object.defineProperty(wrapper, "name", { value: method });
    console[method] = wrapper;
    installed.push({ method, original, wrapper });
  }
  return () => {
    active = false;
    for (const { method, original, wrapper } of installed) {
      if (console[method] === wrapper) console[method] = original;
    }
  };
}
