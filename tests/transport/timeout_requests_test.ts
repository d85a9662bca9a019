import assert from "node:assert/strict";
import { timeoutRequests } from "../../src/transport/timeout_requests.ts";

const URL_ = "http://ch.invalid:8123/?query_id=q";
const TIMEOUT_MS = 100;

/** A body the test feeds by hand; `cancelled` says whether its reader let it go. */
function handBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const state = {
    cancelled: false,
    body: new ReadableStream<Uint8Array>({
      start: (c) => void (controller = c),
      cancel: () => void (state.cancelled = true),
    }),
    send: (text: string) => controller.enqueue(new TextEncoder().encode(text)),
    end: () => controller.close(),
    fail: (error: Error) => controller.error(error),
  };
  return state;
}

// The deadline's timer is unreferenced; a real request's I/O keeps the program running meanwhile.
async function failure(promise: Promise<unknown>): Promise<unknown> {
  const running = setInterval(() => {}, 1_000);
  try {
    return await promise.then(() => undefined, (e: unknown) => e);
  } finally {
    clearInterval(running);
  }
}

function isTimeoutError(error: unknown): true {
  assert.ok(error instanceof Error, `got ${error}`);
  assert.equal(error.name, "TimeoutError");
  assert.equal(error.message, "Timeout error: the request timed out after 0.1 s");
  return true;
}

Deno.test("timeoutRequests() passes the answer through: status, headers and body", async () => {
  const send = timeoutRequests(
    () => Promise.resolve(new Response("Code: 60. oops", { status: 404, headers: { "x-a": "1" } })),
    TIMEOUT_MS,
  );
  const response = await send(URL_, { method: "POST", body: "SELECT 1" });
  assert.equal(response.status, 404);
  assert.equal(response.headers.get("x-a"), "1");
  assert.equal(await response.text(), "Code: 60. oops");
});

Deno.test("timeoutRequests() gives the fetch a signal that its caller's signal aborts", async () => {
  let seen: AbortSignal | undefined;
  const send = timeoutRequests((_input, init) => {
    seen = init?.signal ?? undefined;
    return Promise.resolve(new Response(null, { status: 204 }));
  }, TIMEOUT_MS);
  const caller = new AbortController();
  await send(URL_, { signal: caller.signal });
  assert.ok(seen !== undefined && seen !== caller.signal);
  assert.equal(seen.aborted, false, "a finished request is not aborted later");
  const pending = send(URL_, { signal: caller.signal });
  caller.abort("closing");
  await pending;
  assert.equal(seen.reason, "closing");
});

Deno.test("timeoutRequests() times out a fetch that never answers, with the deadline's error", async () => {
  const send = timeoutRequests((_input, init) =>
    new Promise((_resolve, reject) => {
      // As fetch does on abort; a fetch that rejects with something else is replaced too.
      init!.signal!.addEventListener("abort", () => reject(new DOMException("x", "AbortError")));
    }), TIMEOUT_MS);
  isTimeoutError(await failure(send(URL_)));
});

Deno.test("timeoutRequests() passes a fetch's own failure through", async () => {
  const refused = new TypeError("error sending request: Connection refused (os error 111)");
  const send = timeoutRequests(() => Promise.reject(refused), TIMEOUT_MS);
  await assert.rejects(send(URL_), (e) => e === refused);
});

Deno.test("timeoutRequests() times out a body that stalls, even when the fetch leaves it open on abort", async () => {
  const source = handBody();
  const send = timeoutRequests(() => Promise.resolve(new Response(source.body)), TIMEOUT_MS);
  const response = await send(URL_);
  const reader = response.body!.getReader();
  source.send("part");
  assert.equal(new TextDecoder().decode((await reader.read()).value), "part");
  isTimeoutError(await failure(reader.read()));
  assert.equal(source.cancelled, true, "the stalled body is let go");
});

Deno.test("timeoutRequests() stops counting once the body is read, cancelled or failed", async (t) => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  async function request(
    finish: (response: Response, source: ReturnType<typeof handBody>) => unknown,
  ) {
    const source = handBody();
    let signal: AbortSignal | undefined;
    const send = timeoutRequests((_input, init) => {
      signal = init?.signal ?? undefined;
      return Promise.resolve(new Response(source.body));
    }, TIMEOUT_MS);
    await finish(await send(URL_), source);
    await sleep(2 * TIMEOUT_MS);
    assert.equal(signal?.aborted, false, "the finished request was not aborted later");
    return source;
  }
  await t.step("read to its end", async () => {
    await request(async (response, source) => {
      source.send("all");
      source.end();
      assert.equal(await response.text(), "all");
    });
  });
  await t.step("cancelled", async () => {
    const source = await request((response) => response.body!.cancel());
    assert.equal(source.cancelled, true);
  });
  await t.step("failed", async () => {
    await request(async (response, source) => {
      const reading = failure(response.text());
      source.fail(new TypeError("connection reset"));
      assert.equal(String(await reading), "TypeError: connection reset");
    });
  });
});
