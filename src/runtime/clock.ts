/**
 * Time and timers behind one small interface, so that batching, counters and
 * heartbeats can be driven by a fake clock in tests and never keep a process
 * alive on their own.
 *
 * @module
 */

import { supportsBackgroundTimers } from "./platform.ts";
import { unrefTimer } from "./unref_timer.ts";

/** A timer started by a {@linkcode Clock}; pass it back to cancel it. */
export interface TimerHandle {
  /** Cancels the timer; calling it again does nothing. */
  cancel(): void;
}

/** The time source and timer factory used by every periodic thing in Tusk. */
export interface Clock {
  /** Milliseconds since the Unix epoch, like `Date.now()`. */
  now(): number;
  /**
   * Runs `callback` once after `delayMs`. The timer does not keep the process
   * alive where the runtime can tell it so (Deno, Node, Bun). Where
   * `backgroundTimers` is false, nothing is scheduled and the handle does
   * nothing: no periodic flush, retry or beat ever runs on its own there.
   */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /**
   * Whether timers may run in the background, between requests. `false` in
   * Cloudflare Workers, where a timer must not outlive its request: then
   * `setTimeout` schedules nothing, and periodic work is driven by the user
   * (`ctx.waitUntil(tusk.flush())`, a `scheduled` handler). Left out, it
   * means `true`.
   */
  readonly backgroundTimers?: boolean;
}

/** A timer that was never scheduled. */
export const INERT: TimerHandle = { cancel: () => {} };

/**
 * The real clock: `Date.now()` and the runtime's timers, unreferenced so that
 * a pending flush never holds a finished program open (the exit hook flushes).
 *
 * @example
 * ```ts
 * import { systemClock } from "@tusk/clickhouse";
 * const timer = systemClock.setTimeout(() => console.log("tick"), 1000);
 * timer.cancel();
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  get backgroundTimers(): boolean {
    return supportsBackgroundTimers();
  },
  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    if (!supportsBackgroundTimers()) return INERT;
    const id = setTimeout(callback, Math.max(0, delayMs));
    unrefTimer(id);
    return { cancel: () => clearTimeout(id) };
  },
};
