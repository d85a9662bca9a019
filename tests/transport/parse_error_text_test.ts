import assert from "node:assert/strict";
import { parseErrorText } from "../../src/transport/parse_error_text.ts";

Deno.test("parseErrorText() reads the modern text with code, message and type", () => {
  const text =
    "Code: 60. DB::Exception: Table default.nope does not exist. (UNKNOWN_TABLE) (version 26.7.2.1)\n";
  assert.deepEqual(parseErrorText(text), {
    code: 60,
    type: "UNKNOWN_TABLE",
    message: "Table default.nope does not exist.",
  });
});

Deno.test("parseErrorText() reads the 18.x text, which has no type name", () => {
  const text =
    "Code: 60, e.displayText() = DB::Exception: Table default.nope doesn't exist., e.what() = DB::Exception\n";
  assert.deepEqual(parseErrorText(text), {
    code: 60,
    message: "Table default.nope doesn't exist.",
  });
});

Deno.test("parseErrorText() keeps a foreign body as the message, clipped", () => {
  assert.deepEqual(parseErrorText("<html>502 Bad Gateway</html>"), {
    code: undefined,
    message: "<html>502 Bad Gateway</html>",
  });
  const long = parseErrorText("x".repeat(5000));
  assert.deepEqual(long.message.length, 2001);
});

Deno.test("parseErrorText() reads the row a parse error names, in both generations' texts", () => {
  // As 18.16 and 26.7 answered a JSONEachRow insert whose fourth row was bad.
  const legacy = 'Code: 27, e.displayText() = DB::Exception: Cannot parse input: expected " ' +
    'before: x"}\\n{"a":5}\\n: (while read the value of key a): (at row 4)\n, e.what() = DB::Exception\n';
  const modern = "Code: 27. DB::Exception: Cannot parse input: expected '\"' before: 'x\"}': " +
    "(while reading the value of key a): (at row 300001)\n: While executing " +
    "ParallelParsingBlockInputFormat: data for INSERT was parsed from query. " +
    "(CANNOT_PARSE_INPUT_ASSERTION_FAILED) (version 26.7.2.1)\n";
  assert.equal(parseErrorText(legacy).row, 4);
  assert.equal(parseErrorText(legacy).code, 27);
  assert.equal(parseErrorText(modern).row, 300001);
  assert.equal(parseErrorText(modern).type, "CANNOT_PARSE_INPUT_ASSERTION_FAILED");
  assert.equal(parseErrorText("Code: 60. DB::Exception: no table. (UNKNOWN_TABLE)").row, undefined);
});

// As nginx answers when ClickHouse behind it is down, padded as proxies' pages are (~2,000 chars).
const NGINX_502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
  "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n" +
  `<!-- ${"a padding to disable MSIE and Chrome friendly error page ".repeat(30)}-->\r\n` +
  "</body>\r\n</html>\r\n";

Deno.test("parseErrorText() sums up a proxy's HTML page as status, content type and title", () => {
  const parsed = parseErrorText(NGINX_502, {
    status: 502,
    contentType: "text/html; charset=utf-8",
  });
  assert.deepEqual(parsed, { message: "HTTP 502 (text/html): 502 Bad Gateway" });
});

Deno.test("parseErrorText() sums up a foreign body in one line of at most 200 characters", async (t) => {
  await t.step("an HTML page without a title: its first line of text", () => {
    const page = "<!DOCTYPE html>\n<html><body>\n<h1>Service &amp; API unavailable</h1>\n" +
      "<p>Try again later.</p></body></html>";
    assert.equal(
      parseErrorText(page, { status: 503, contentType: "text/html" }).message,
      "HTTP 503 (text/html): Service & API unavailable",
    );
  });
  await t.step("plain text: its first non-empty line", () => {
    const text = "\n\nThere is no handle /some/path\n\nUse / or /ping for health checks.\n";
    assert.equal(
      parseErrorText(text, { status: 404, contentType: "text/plain; charset=UTF-8" }).message,
      "HTTP 404 (text/plain): There is no handle /some/path",
    );
  });
  await t.step("a long line: clipped, the whole message within 200 characters", () => {
    const message = parseErrorText("y".repeat(5000), { status: 502, contentType: null }).message;
    assert.ok(message.startsWith("HTTP 502: yyy"), message);
    assert.ok(message.endsWith("…"), message);
    assert.equal(message.length, 200);
  });
  await t.step("an empty body: the status alone", () => {
    assert.deepEqual(parseErrorText(" \n", { status: 503 }), { message: "HTTP 503" });
  });
  await t.step("the summary reads the same when parsed again (as the error's text)", () => {
    const once = parseErrorText(NGINX_502, { status: 502, contentType: "text/html" }).message;
    assert.deepEqual(parseErrorText(once), { code: undefined, message: once });
  });
});

Deno.test("parseErrorText() parses ClickHouse's texts as before when the response is given", () => {
  const legacy =
    "Code: 60, e.displayText() = DB::Exception: Table default.nope doesn't exist., e.what() = DB::Exception\n";
  const modern =
    "Code: 60. DB::Exception: Table default.nope does not exist. (UNKNOWN_TABLE) (version 26.7.2.1)\n";
  const response = { status: 404, contentType: "text/plain; charset=UTF-8" };
  assert.deepEqual(parseErrorText(legacy, response), parseErrorText(legacy));
  assert.deepEqual(parseErrorText(modern, response), parseErrorText(modern));
  assert.equal(parseErrorText(legacy, response).message, "Table default.nope doesn't exist.");
});
