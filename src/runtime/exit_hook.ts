import { isCloudflareWorkers } from "./platform.ts";

/**
 * Runs `callback` when a Deno, Node or Bun program is about to exit normally
 * because it has nothing left to do. Async work started by the callback keeps
 * the program alive until it settles, then the hook may fire again, so the
 * callback must do nothing when it has nothing to do. Where there is no such
 * event (Cloudflare Workers, browsers), nothing is registered.
 *
 * @param callback Called with no arguments; its promise is awaited by the runtime's loop.
 * @returns A function that unregisters the hook.
 */
export function onProcessExit(callback: () => void): () => void {
  const g = globalThis as {
    Deno?: unknown;
    addEventListener?: (type: string, listener: () => void) => void;
    removeEventListener?: (type: string, listener: () => void) => void;
    process?: {
      on?: (event: string, listener: () => void) => void;
      off?: (event: string, listener: () => void) => void;
    };
  };
  const listener = () => callback();
  // Workers with nodejs_compat have a `process` whose exit events never fire.
  if (isCloudflareWorkers()) return () => {};
  if (g.Deno !== undefined && typeof g.addEventListener === "function") {
    g.addEventListener("beforeunload", listener);
    return () => g.removeEventListener?.("beforeunload", listener);
  }
  if (typeof g.process?.on === "function") {
    g.process.on("beforeExit", listener);
    return () => g.process?.off?.("beforeExit", listener);
  }
  return () => {};
}
