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
