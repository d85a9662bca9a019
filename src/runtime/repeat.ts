import type { Clock, TimerHandle } from "./clock.ts";

/** Options of {@linkcode repeat}. */
export interface RepeatOptions {
  /**
   * Receives what `fn` throws (or its promise rejects with); the timer keeps
   * running either way. Must not throw.
   * @default {ignore}
   */
  onError?: (error: unknown) => void;
}

/**
 * Calls `fn` every `periodMs` on `clock`, without drift: tick `n` is due at
 * `start + n * periodMs` (not "now + period"), so late timers and slow
 * callbacks do not push later ticks back. Ticks missed while the runtime was
 * busy are skipped, not run in a burst; when the clock jumps backwards the
 * schedule starts again from the new time. Each timer is the clock's own, so
 * it never keeps a Deno, Node or Bun process alive.
 *
 * Where the clock has no background timers (`clock.backgroundTimers ===
 * false`: Cloudflare Workers), nothing is scheduled and the returned handle
 * does nothing: the caller drives periodic work itself.
 *
 * @param clock Time and timers.
 * @param periodMs The period, in milliseconds; more than 0.
 * @param fn Called once per tick, first at `start + periodMs`.
 * @param options Error handling.
 * @returns A handle whose `cancel()` stops the ticks.
 * @throws {RangeError} When `periodMs` is not a finite number above 0.
 *
 * @example
 * ```ts
 * import { FakeClock } from "@tusk/clickhouse";
 * import { repeat } from "./repeat.ts";
 * const clock = new FakeClock(0);
 * const seen: number[] = [];
 * const timer = repeat(clock, 1000, () => seen.push(clock.now()));
 * await clock.tick(3000);
 * timer.cancel(); // seen: [1000, 2000, 3000]
 * ```
 */
export function repeat(
  clock: Clock,
  periodMs: number,
  fn: () => unknown,
  options: RepeatOptions = {},
): TimerHandle {
  if (!Number.isFinite(periodMs) || periodMs <= 0) {
    throw new RangeError(`Cannot repeat: period must be above 0 ms, got ${periodMs}`);
  }
  const onError = options.onError ?? (() => {});
  let start = clock.now();
  let next = 1; // index of the next tick
  let timer: TimerHandle | undefined;
  let cancelled = false;

  const schedule = (): void => {
    const now = clock.now();
    let delay = start + next * periodMs - now;
    if (delay > 2 * periodMs) { // the clock went backwards: restart from now
      start = now;
      next = 1;
      delay = periodMs;
    }
    timer = clock.setTimeout(fire, delay);
  };

  const fire = (): void => {
    if (cancelled) return;
    // A timer may fire a little early or very late: never repeat a tick, skip missed ones.
    next = Math.max(next + 1, Math.floor((clock.now() - start) / periodMs) + 1);
    try {
      const result = fn();
      if (result instanceof Promise) result.catch(onError);
    } catch (error) {
      onError(error);
    }
    if (!cancelled) schedule();
  };

  schedule();
  return {
    cancel: () => {
      cancelled = true;
      timer?.cancel();
      timer = undefined;
    },
  };
}
