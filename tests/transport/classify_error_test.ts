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

// What each runtime's fetch threw for a server certificate it refused (recorded on Deno 2, Node 20,
// Bun 1.4): an outer "fetch failed" whose cause names the problem, or one error with a `code`.
function nodeError(code: string, message: string): Error {
  return new TypeError("fetch failed", { cause: Object.assign(new Error(message), { code }) });
}
function denoError(rustls: string): Error {
  const inner = new Error(
    "error sending request for url (https://127.0.0.1:8443/?query_id=q1): client error " +
      `(Connect): invalid peer certificate: ${rustls}`,
  );
  return new TypeError("fetch failed", { cause: inner });
}
function bunError(code: string, message: string): Error {
  return Object.assign(new TypeError(message), { code });
}

Deno.test("classifyError() names a refused server certificate as a tls error, not retried", async (t) => {
  const untrusted = "TLS: the server's certificate is not trusted (%s); give its CA with " +
    "DENO_CERT (Deno) or NODE_EXTRA_CA_CERTS (Node, Bun, wrangler dev)";
  const cases: Array<[string, Error, string]> = [
    ["Deno, unknown CA", denoError("UnknownIssuer"), untrusted.replace("%s", "UnknownIssuer")],
    [
      "Deno, self-signed",
      denoError("Other(OtherError(CaUsedAsEndEntity))"),
      untrusted.replace("%s", "Other(OtherError(CaUsedAsEndEntity))"),
    ],
    [
      "Deno, wrong name",
      denoError(
        'certificate not valid for name "localhost"; certificate is only valid for ' +
          'DnsName("other.example")',
      ),
      "TLS: the server's certificate does not name this host (certificate not valid for name " +
      '"localhost"; certificate is only valid for DnsName("other.example")); connect with a ' +
      "host name it lists",
    ],
    [
      "Deno, expired",
      denoError(
        "certificate expired: verification time 1796020898 (UNIX), but certificate is " +
          "not valid after 1577923200 (218097698 seconds ago)",
      ),
      "TLS: the server's certificate has expired (certificate expired: verification time " +
      "1796020898 (UNIX), but certificate is not valid after 1577923200 (218097698 seconds ago))",
    ],
    [
      "Node, unknown CA",
      nodeError("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unable to verify the first certificate"),
      untrusted.replace("%s", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"),
    ],
    [
      "Node, self-signed",
      nodeError("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"),
      untrusted.replace("%s", "DEPTH_ZERO_SELF_SIGNED_CERT"),
    ],
    [
      "Node, CA not trusted",
      nodeError("SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate in certificate chain"),
      untrusted.replace("%s", "SELF_SIGNED_CERT_IN_CHAIN"),
    ],
    [
      "Node, wrong name",
      nodeError(
        "ERR_TLS_CERT_ALTNAME_INVALID",
        "Hostname/IP does not match certificate's altnames: Host: localhost. is not in the " +
          "cert's altnames: DNS:other.example",
      ),
      "TLS: the server's certificate does not name this host (ERR_TLS_CERT_ALTNAME_INVALID); " +
      "connect with a host name it lists",
    ],
    [
      "Bun, unknown CA",
      bunError("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unable to verify the first certificate"),
      untrusted.replace("%s", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"),
    ],
    [
      "Bun, expired",
      bunError("CERT_HAS_EXPIRED", "certificate has expired"),
      "TLS: the server's certificate has expired (CERT_HAS_EXPIRED)",
    ],
  ];
  for (const [label, thrown, detail] of cases) {
    await t.step(label, () => {
      const error = classifyError(action, thrown, undefined, "q1");
      assert.equal(error.kind, "tls");
      assert.equal(error.retryable, false);
      assert.equal(error.status, 0);
      assert.equal(error.queryId, "q1");
      assert.equal(error.message, `${action}: ${detail}`);
      assert.equal(error.cause, thrown, "the runtime's error stays reachable");
    });
  }
});

Deno.test("classifyError() names a DENO_CERT file Deno cannot read as a tls error", () => {
  const thrown = new TypeError("fetch failed", {
    cause: new Error("Failed opening CA file: No such file or directory (os error 2)"),
  });
  const error = classifyError(action, thrown, undefined);
  assert.equal(error.kind, "tls");
  assert.equal(error.retryable, false);
  assert.equal(
    error.message,
    `${action}: TLS: Deno cannot read its CA file (Failed opening CA file: No such file or ` +
      "directory (os error 2)); check DENO_CERT",
  );
});

Deno.test("classifyError() points to workerd's log when workerd hides the cause", () => {
  const error = classifyError(
    action,
    new Error("internal error; reference = eo3jpqslvoo8"),
    undefined,
  );
  assert.equal(error.kind, "network");
  assert.equal(error.retryable, true);
  assert.equal(
    error.message,
    `${action}: network error: internal error; reference = eo3jpqslvoo8 (workerd names the ` +
      "cause, such as an untrusted TLS certificate, in its own log)",
  );
});

Deno.test("classifyError() keeps other connection failures retryable network errors", async (t) => {
  const cases: Array<[string, Error]> = [
    ["refused", nodeError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:1")],
    ["reset", bunError("ECONNRESET", "The socket connection was closed unexpectedly")],
    ["workerd", new Error("internal error; reference = eo3jpqslvoo8kp7lnpnnr6te")],
    ["a TLS word elsewhere", new Error("peer certificate sent; connection refused")],
  ];
  for (const [label, thrown] of cases) {
    await t.step(label, () => {
      const error = classifyError(action, thrown, undefined);
      assert.equal(error.kind, "network");
      assert.equal(error.retryable, true);
    });
  }
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
    [525, "tls", false], // Cloudflare: TLS handshake with the origin failed
    [526, "tls", false], // Cloudflare: the origin's certificate is invalid
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
