import { TuskClickHouseError } from "../errors.ts";

/**
 * When to try again after failures: a delay that doubles from `baseMs` up
 * to `maxMs` with ±20 % jitter, or longer when the server asked for it
 * (`Retry-After`). A failure that is not retryable waits `maxMs` at once. One per table, shared by its background retries and its
 * flushes, so both see the same count of failures in a row.
 *
 * @example
 * ```ts
 * import { Backoff } from "./backoff.ts";
 * const backoff = new Backoff(1000, 60_000);
 * const delay = backoff.fail(new Error("refused"), Date.now()); // about 1 s
 * backoff.succeed();
 * ```
 */
export class Backoff {
  readonly #baseMs: number;
  readonly #maxMs: number;
  #failures = 0;
  #retryAt = 0;

  /**
   * @param baseMs The first delay, in milliseconds.
   * @param maxMs The longest delay, in milliseconds.
   */
  constructor(baseMs: number, maxMs: number) {
    this.#baseMs = baseMs;
    this.#maxMs = maxMs;
  }

  /**
   * Counts a failure and says how long to wait before the next attempt.
   *
   * @param error The failure (a `TuskClickHouseError` may carry `Retry-After`).
   * @param now The time, in epoch milliseconds.
   * @returns The delay, in milliseconds.
   */
  fail(error: unknown, now: number): number {
    // A failure that will not pass by itself (authentication, a missing
    // table) is tried again only at the longest delay, in case it gets fixed.
    const lasting = error instanceof TuskClickHouseError && !error.retryable;
    const backoff = lasting
      ? this.#maxMs
      : Math.min(this.#maxMs, this.#baseMs * 2 ** Math.min(this.#failures, 30));
    this.#failures++;
    const asked = error instanceof TuskClickHouseError ? error.retryAfterMs ?? 0 : 0;
    // Whole milliseconds: timers drop a fraction, and would fire before `retryAt`.
    const delay = Math.ceil(Math.max(backoff * (0.8 + 0.4 * Math.random()), asked));
    this.#retryAt = now + delay;
    return delay;
  }

  /** An attempt succeeded: the next failure starts from `baseMs` again. */
  succeed(): void {
    this.#failures = 0;
    this.#retryAt = 0;
  }

  /**
   * How long is left before the next attempt may start (0 when it may now).
   *
   * @param now The time, in epoch milliseconds.
   */
  waitLeft(now: number): number {
    return this.#failures > 0 ? Math.max(0, this.#retryAt - now) : 0;
  }
}
