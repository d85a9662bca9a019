/**
 * Unreferencing a timer, so that it never holds a finished program open.
 *
 * @module
 */

type UnrefDeno = { unrefTimer?: (id: number) => void };

/**
 * Tells the runtime that `id`, a `setTimeout` or `setInterval` result, must
 * not keep the process alive: Node and Bun return an object with `unref()`,
 * Deno a number for `Deno.unrefTimer`. Elsewhere (Cloudflare Workers,
 * browsers) it does nothing, as nothing is needed there. Looked up at call
 * time, so importing this touches no runtime global.
 *
 * @param id What `setTimeout` returned.
 *
 * @example Usage
 * ```ts
 * import { unrefTimer } from "./unref_timer.ts";
 * const id = setTimeout(() => console.log("only if the program still runs"), 60_000);
 * unrefTimer(id);
 * clearTimeout(id);
 * ```
 */
export function unrefTimer(id: unknown): void {
  if (typeof id === "object" && id !== null && "unref" in id) {
    (id as { unref(): void }).unref(); // Node, Bun
    return;
  }
  const deno = (globalThis as { Deno?: UnrefDeno }).Deno;
  if (typeof id === "number" && typeof deno?.unrefTimer === "function") deno.unrefTimer(id);
}
