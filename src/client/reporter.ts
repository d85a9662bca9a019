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
   * @param error The problem, or a function making it: on a hot path (a row
   * dropped per write during an outage) the error, its message and its stack
   * are then made only for the reports that are delivered, not for the repeats.
   * @param key Reports with the same key share one rate limit (default: the
   * message; required with a function).
   */
  report(error: Error | (() => Error), key?: string): void {
    const id = key ?? (error as Error).message;
    const now = this.#now();
    const seen = this.#seen.get(id);
    if (seen !== undefined && now - seen.at < WINDOW_MS) {
      seen.suppressed++;
      return;
    }
    const suppressed = seen?.suppressed ?? 0;
    this.#seen.set(id, { at: now, suppressed: 0 });
    if (this.#seen.size > 1000) this.#seen.clear();
    this.#deliver(error, suppressed);
  }

  #deliver(problem: Error | (() => Error), suppressed: number): void {
    delivering++;
    try {
      const error = typeof problem === "function" ? problem() : problem;
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
