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
