import { originalConsole } from "../runtime/original_console.ts";

const WINDOW_MS = 10_000;
let delivering = 0;

/**
 * Whether a report is being handed to `onError` or the console right now, so
 * console interception can let such output through without recording it.
 *
 * @returns `true` during a report's delivery.
 */
export function isReporting(): boolean {
  return delivering > 0;
}

/**
 * Hands the library's own problems to `onError`, or to the console as it was
 * before any interception, at most once per message per 10 seconds (later
 * repeats are counted and mentioned with the next one). Never throws and never
 * writes into a table, so a failing log table cannot feed itself.
 */
export class Reporter {
  #onError: ((error: Error) => void) | undefined;
  readonly #now: () => number;
  readonly #seen = new Map<string, { at: number; suppressed: number }>();

  /**
   * @param now The clock.
   * @param onError The user's callback, if any.
   */
  constructor(now: () => number, onError?: (error: Error) => void) {
    this.#now = now;
    this.#onError = onError;
  }

  /** Replaces the callback (on a new `init`). */
  set onError(callback: ((error: Error) => void) | undefined) {
    this.#onError = callback;
  }

  /**
   * Reports one problem.
   *
   * @param error The problem.
   * @param key Reports with the same key share one rate limit (default: the message).
   */
  report(error: Error, key: string = error.message): void {
    const now = this.#now();
    const seen = this.#seen.get(key);
    if (seen !== undefined && now - seen.at < WINDOW_MS) {
      seen.suppressed++;
      return;
    }
    const suppressed = seen?.suppressed ?? 0;
    this.#seen.set(key, { at: now, suppressed: 0 });
    if (this.#seen.size > 1000) this.#seen.clear();
    this.#deliver(error, suppressed);
  }

  #deliver(error: Error, suppressed: number): void {
    delivering++;
    try {
      if (this.#onError !== undefined) {
        this.#onError(error);
        return;
      }
      const repeats = suppressed > 0 ? ` (and ${suppressed} more like it)` : "";
      originalConsole.error(`[tusk] ${error.message}${repeats}`);
    } catch {
      // A throwing onError must not reach the application's hot path.
    } finally {
      delivering--;
    }
  }
}
