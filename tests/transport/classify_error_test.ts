import assert from "node:assert/strict";
import { classifyError, parseRetryAfter } from "../../src/transport/classify_error.ts";

const action = 'Cannot insert into "db.cpu"';

Deno.test("classifyError() treats a missing response as a retryable network error", () => {
  const error = classifyError(action, new TypeError("fetch failed"), undefined, "q1");
  assert.equal(error.kind, "network");
  assert.equal(error.retryable, true);
  assert.equal(error.status, 0);
  assert.equal(error.queryId, "q1");
  assert.match(error.message, /^Cannot insert into "db\.cpu": network error: fetch failed$/);
});

Deno.test("classifyError() treats the client's timeout as a retryable timeout", () => {
  const error = classifyError(action, new Error("Timeout error."), undefined);
  assert.equal(error.kind, "timeout");
  assert.equal(error.retryable, true);
});

Deno.test("classifyError() reads the code from the header before the body", () => {
  const error = classifyError(action, new Error("Code: 1. DB::Exception: x (Y_Y_Y)"), {
    status: 404,
    exceptionCode: "60",
  });
  assert.equal(error.code, 60);
  assert.equal(error.kind, "schema");
  assert.equal(error.retryable, false);
});

Deno.test("classifyError() classifies by the code in an 18.x body", async (t) => {
  const cases: Array<[number, number, string, boolean]> = [
    [516, 401, "auth", false],
    [193, 500, "auth", false],
    [60, 500, "schema", false],
    [27, 500, "data", false],
    [252, 500, "server", true],
    [241, 500, "server", true],
    [209, 500, "timeout", true],
  ];
  for (const [code, status, kind, retryable] of cases) {
    await t.step(`code ${code}`, () => {
      const body =
        `Code: ${code}, e.displayText() = DB::Exception: something, e.what() = DB::Exception`;
      const error = classifyError(action, new Error(body), { status });
      assert.equal(error.code, code);
      assert.equal(error.kind, kind);
      assert.equal(error.retryable, retryable);
      assert.equal(error.message, `${action}: something`);
    });
  }
});

Deno.test("classifyError() falls back to the HTTP status without a code", async (t) => {
  const cases: Array<[number, string, boolean]> = [
    [502, "server", true],
    [503, "server", true],
    [429, "server", true],
    [403, "auth", false],
    [400, "client", false],
  ];
  for (const [status, kind, retryable] of cases) {
    await t.step(`HTTP ${status}`, () => {
      const error = classifyError(action, new Error("<html>proxy says no</html>"), { status });
      assert.equal(error.code, undefined);
      assert.equal(error.kind, kind);
      assert.equal(error.retryable, retryable);
    });
  }
});

Deno.test("parseRetryAfter() reads seconds and HTTP dates, bounded", () => {
  assert.equal(parseRetryAfter("30"), 30_000);
  assert.equal(parseRetryAfter(" 1.5 "), 1500);
  assert.equal(
    parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", Date.UTC(2015, 9, 21, 7, 28)),
    10_000,
  );
  assert.equal(parseRetryAfter("99999"), 600_000);
  assert.equal(parseRetryAfter("soon"), undefined);
  assert.equal(parseRetryAfter(null), undefined);
});

Deno.test("classifyError() carries Retry-After into retryAfterMs", () => {
  const e = classifyError("Cannot insert", new Error("busy"), { status: 503, retryAfter: "7" });
  assert.equal(e.retryAfterMs, 7000);
  assert.equal(e.retryable, true);
});
