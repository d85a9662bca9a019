import assert from "node:assert/strict";
import type { TuskClickHouseError } from "../../src/errors.ts";
import { classifyError } from "../../src/transport/classify_error.ts";
import { failureScope, mayHaveBeenStored } from "../../src/transport/endpoint_fault.ts";

const ACTION = 'Cannot insert into "db.t"';

/** A failure with no answer: what fetch threw, classified. */
const thrown = (error: unknown): TuskClickHouseError => classifyError(ACTION, error, undefined);

/** A failure answered by the server: its body, status and exception header. */
function answered(body: string, status: number, code?: number): TuskClickHouseError {
  return classifyError(ACTION, new Error(body), {
    status,
    exceptionCode: code === undefined ? null : String(code),
  });
}

// How each runtime reports a connection nobody accepted.
const REFUSED = {
  node: new TypeError("fetch failed", { cause: { code: "ECONNREFUSED", message: "connect" } }),
  deno: new TypeError(
    "error sending request for url (http://127.0.0.1:1/): client error (Connect): " +
      "tcp connect error: Connection refused (os error 111)",
  ),
  bun: new Error("Unable to connect. Is the computer able to access the url?"),
};
const RESET = new TypeError("fetch failed", {
  cause: { code: "ECONNRESET", message: "read ECONNRESET" },
});
const TIMEOUT = new Error("Timeout error: the request timed out after 0.1 s");
const NOT_FOUND = new TypeError("fetch failed", {
  cause: { code: "ENOTFOUND", message: "getaddrinfo ENOTFOUND ch.invalid" },
});
const UNTRUSTED = new TypeError("fetch failed", {
  cause: { code: "SELF_SIGNED_CERT_IN_CHAIN", message: "self-signed certificate in chain" },
});

// ClickHouse 18.16 names the code only in its body.
const old = (code: number, text: string) =>
  `Code: ${code}, e.displayText() = DB::Exception: ${text}, e.what() = DB::Exception\n`;
const modern = (code: number, text: string, name: string) =>
  `Code: ${code}. DB::Exception: ${text}. (${name}) (version 26.7.2.1)\n`;

const READ_ONLY = answered(old(242, "Table is in readonly mode"), 500);
const TOO_MANY_PARTS = answered(
  modern(252, "Too many parts (300) in table 'db.t'", "TOO_MANY_PARTS"),
  500,
  252,
);
const MEMORY_LIMIT = answered(
  modern(241, "Memory limit (total) exceeded", "MEMORY_LIMIT_EXCEEDED"),
  500,
  241,
);
const UNAVAILABLE = answered("Service Unavailable", 503);
const BAD_GATEWAY = answered("Bad Gateway", 502);
const BAD_ROW = answered(
  modern(27, "Cannot parse input: expected '\"' before: 'bad': (at row 2)", "CANNOT_PARSE_INPUT"),
  400,
  27,
);
const WRONG_PASSWORD = answered(
  modern(516, "default: Authentication failed", "AUTHENTICATION_FAILED"),
  401,
  516,
);
const NO_TABLE = answered(modern(60, "Table db.t does not exist", "UNKNOWN_TABLE"), 404, 60);
const NO_DATABASE = answered(old(81, "Database db doesn't exist"), 404);
const UNKNOWN_SETTING = answered(
  modern(
    115,
    "Setting foo is neither a builtin setting nor started with 'custom_'",
    "UNKNOWN_SETTING",
  ),
  400,
  115,
);
const QUORUM_UNKNOWN = answered(
  modern(319, "Unknown status, client must retry", "UNKNOWN_STATUS_OF_INSERT"),
  500,
  319,
);

Deno.test("failureScope() blames the endpoint when another endpoint could take the same request", async (t) => {
  const cases: [string, TuskClickHouseError][] = [
    ["a refused connection (Node)", thrown(REFUSED.node)],
    ["a refused connection (Deno)", thrown(REFUSED.deno)],
    ["a reset connection", thrown(RESET)],
    ["a timeout", thrown(TIMEOUT)],
    ["HTTP 503", UNAVAILABLE],
    ["HTTP 502 from a proxy", BAD_GATEWAY],
    ["a read-only replica (code 242, 18.16's text)", READ_ONLY],
    ["too many parts (252)", TOO_MANY_PARTS],
    ["the memory limit (241)", MEMORY_LIMIT],
    ["a certificate only this server presents", thrown(UNTRUSTED)],
  ];
  for (const [what, error] of cases) {
    await t.step(what, () => assert.equal(failureScope(error), "endpoint"));
  }
});

Deno.test("failureScope() says a missing table or database may be elsewhere", async (t) => {
  await t.step("unknown table (60)", () => assert.equal(failureScope(NO_TABLE), "elsewhere"));
  await t.step("unknown database (81, 18.16's text)", () => {
    assert.equal(failureScope(NO_DATABASE), "elsewhere");
  });
});

Deno.test("failureScope() blames the request when no other endpoint would answer differently", async (t) => {
  const cases: [string, TuskClickHouseError][] = [
    ["a row the server cannot parse (27)", BAD_ROW],
    ["wrong credentials (516)", WRONG_PASSWORD],
    ["HTTP 401 without a code", answered("Unauthorized", 401)],
    ["an unknown setting (115)", UNKNOWN_SETTING],
  ];
  for (const [what, error] of cases) {
    await t.step(what, () => assert.equal(failureScope(error), "request"));
  }
});

Deno.test("mayHaveBeenStored() is false only when the server surely took nothing", async (t) => {
  await t.step("a connection never made: refused, or no such host", () => {
    assert.equal(mayHaveBeenStored(thrown(REFUSED.node)), false);
    assert.equal(mayHaveBeenStored(thrown(REFUSED.deno)), false);
    assert.equal(mayHaveBeenStored(thrown(REFUSED.bun)), false);
    assert.equal(mayHaveBeenStored(thrown(NOT_FOUND)), false);
  });
  await t.step("a certificate refused before anything was sent", () => {
    assert.equal(mayHaveBeenStored(thrown(UNTRUSTED)), false);
  });
  await t.step("the server refused before taking the rows: 242, 252, 241", () => {
    assert.equal(mayHaveBeenStored(READ_ONLY), false);
    assert.equal(mayHaveBeenStored(TOO_MANY_PARTS), false);
    assert.equal(mayHaveBeenStored(MEMORY_LIMIT), false);
  });
  await t.step("an answer lost: a reset connection, a timeout", () => {
    assert.equal(mayHaveBeenStored(thrown(RESET)), true);
    assert.equal(mayHaveBeenStored(thrown(TIMEOUT)), true);
  });
  await t.step("an unknown quorum status (319)", () => {
    assert.equal(mayHaveBeenStored(QUORUM_UNKNOWN), true);
  });
  await t.step("a 5xx without a code (a proxy may have forwarded it)", () => {
    assert.equal(mayHaveBeenStored(UNAVAILABLE), true);
    assert.equal(mayHaveBeenStored(BAD_GATEWAY), true);
  });
});
