/**
 * A request's time limit that counts only the time the event loop was free to
 * notice an answer, so that an application busy with synchronous work (a long
 * loop of `write()` calls) never turns an answered request into a timeout.
 *
 * @module
 */

import { unrefTimer } from "../runtime/unref_timer.ts";

/** A running time limit for one request; see {@linkcode requestDeadline}. */
export interface RequestDeadline {
  /**
   * Aborted when the time is up (its reason is then {@linkcode timeoutError})
   * or when the caller's signal aborts (with the caller's reason). Give it to
   * `fetch`.
   */
  readonly signal: AbortSignal;
  /**
   * The error to report once the time is up: its message says the request
   * timed out and after how long; `undefined` until then.
   */
  readonly timeoutError: Error | undefined;
  /** Stops the timer and lets go of the caller's signal; calling it again does nothing. */
  clear(): void;
}

// The limit is counted in about this many steps (one timer each), at most one second long, so
// that a loop blocked for any time costs one step of it: the answer that waited meanwhile is read
// in the steps left.
const STEPS_PER_LIMIT = 10;
const MAX_STEP_MS = 1_000;
// A step that fires late counts up to this fraction more than planned: ordinary timer lateness,
// not a blocked loop.
const SLACK = 0.25;

/**
 * Starts a time limit of `timeoutMs` for one request, counted in steps of a
 * tenth of the limit (at most 1 s each). A step credits the time that really
 * passed, but at most its planned length plus a quarter: when the event loop
 * was blocked (60 s of synchronous work), the step that fires afterwards
 * credits about one step, not 60 s, and an answer that arrived meanwhile is
 * read before the time is up. The timer is unreferenced (it never keeps a
 * Deno, Node or Bun process alive) and only runs while the request does, so
 * it is fine inside a Cloudflare Workers request.
 *
 * @param timeoutMs The limit in milliseconds of free event-loop time.
 * @param signal The caller's signal, if any: aborting it aborts the returned
 * signal at once, with its reason.
 * @returns The running deadline; call `clear()` once the request is done.
 *
 * @example Usage
 * ```ts
 * import { requestDeadline } from "./request_deadline.ts";
 * const deadline = requestDeadline(30_000);
 * try {
 *   // const response = await fetch(url, { signal: deadline.signal });
 *   // await response.text();
 * } finally {
 *   deadline.clear();
 * }
 * ```
 */
export function requestDeadline(timeoutMs: number, signal?: AbortSignal | null): RequestDeadline {
  const controller = new AbortController();
  const stepMs = Math.min(MAX_STEP_MS, Math.max(1, timeoutMs / STEPS_PER_LIMIT));
  let credited = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timeoutError: Error | undefined;

  const onCallerAbort = () => {
    clear();
    controller.abort(signal!.reason);
  };
  function clear(): void {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onCallerAbort);
  }
  function step(): void {
    const planned = Math.min(stepMs, timeoutMs - credited);
    const armedAt = performance.now();
    timer = setTimeout(() => {
      credited += Math.min(performance.now() - armedAt, planned * (1 + SLACK));
      if (credited < timeoutMs) return step();
      timeoutError = new Error(`Timeout error: the request timed out after ${timeoutMs / 1000} s`);
      timeoutError.name = "TimeoutError";
      clear();
      controller.abort(timeoutError);
    }, planned);
    unrefTimer(timer);
  }

  if (signal?.aborted) controller.abort(signal.reason);
  else {
    signal?.addEventListener("abort", onCallerAbort, { once: true });
    step();
  }
  return {
    signal: controller.signal,
    get timeoutError() {
      return timeoutError;
    },
    clear,
  };
}
