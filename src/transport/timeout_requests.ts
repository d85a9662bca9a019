/**
 * Request timeouts for a `fetch`, counted in free event-loop time and running
 * until the response's body is read.
 *
 * @module
 */

import { type RequestDeadline, requestDeadline } from "./request_deadline.ts";

/**
 * Wraps a `fetch` so that each request has a {@linkcode requestDeadline} of
 * `timeoutMs`: from the call until the response's body has been read to its
 * end, cancelled or failed (`@clickhouse/client-web`'s own timer stops at the
 * headers and counts time the event loop was blocked). When the time is up,
 * the request is aborted and the call, or the body's reading, fails with the
 * deadline's `TimeoutError` ("Timeout error: the request timed out after N s").
 * The caller's `init.signal` still aborts the request, with its own reason.
 *
 * @param base The `fetch` that sends the request.
 * @param timeoutMs The time limit of each request, in milliseconds.
 * @returns A `fetch` with the same signature.
 * @throws {Error} From the returned `fetch` (or its body): the deadline's
 * `TimeoutError`, or whatever `base` threw.
 *
 * @example Usage
 * ```ts
 * import { timeoutRequests } from "./timeout_requests.ts";
 * const send = timeoutRequests(fetch, 30_000);
 * // const text = await (await send("http://localhost:8123/?query=SELECT%201")).text();
 * ```
 */
export function timeoutRequests(base: typeof fetch, timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const callerSignal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    const deadline = requestDeadline(timeoutMs, callerSignal);
    let response: Response;
    try {
      response = await base(input, { ...init, signal: deadline.signal });
    } catch (error) {
      deadline.clear();
      throw deadline.timeoutError ?? error;
    }
    if (response.body === null) {
      deadline.clear();
      return response;
    }
    // Status and headers are kept; the copy has no `url`, which nothing here reads.
    return new Response(watchedBody(response.body, deadline), response);
  };
}

// The body, read through: the deadline stops at its end, its cancellation or
// its failure, and when the deadline aborts first the body fails with its
// reason, whether or not the underlying fetch errors its own body on abort.
function watchedBody(
  body: ReadableStream<Uint8Array>,
  deadline: RequestDeadline,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const fail = () => {
        controller.error(deadline.timeoutError ?? deadline.signal.reason);
        reader.cancel().catch(() => {});
      };
      if (deadline.signal.aborted) fail();
      else deadline.signal.addEventListener("abort", fail, { once: true });
    },
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        deadline.clear();
        throw deadline.timeoutError ?? error;
      }
      if (deadline.signal.aborted) return; // already errored with the deadline's reason
      if (chunk.done) {
        deadline.clear();
        controller.close();
      } else controller.enqueue(chunk.value);
    },
    cancel(reason) {
      deadline.clear();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
