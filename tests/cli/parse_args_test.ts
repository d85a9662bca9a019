import assert from "node:assert/strict";
import { parseArgs } from "../../src/cli/parse_args.ts";
import { UsageError } from "../../src/cli/usage_error.ts";

const SPEC = { strings: ["url", "logs"], booleans: ["json"] };

Deno.test("parseArgs() reads --name value, --name=value, booleans, --help and positionals", () => {
  const parsed = parseArgs(
    ["--url", "http://a:8123", "--logs=db.logs", "--json", "-h", "extra"],
    SPEC,
    "status",
  );
  assert.deepEqual(parsed.values, { url: "http://a:8123", logs: "db.logs" });
  assert.deepEqual([...parsed.flags].sort(), ["help", "json"]);
  assert.deepEqual(parsed.positionals, ["extra"]);
});

Deno.test("parseArgs() refuses what it cannot read, naming the command's --help", async (t) => {
  for (
    const [args, message] of [
      [["--nope"], 'Unknown option "--nope" for "status": see "status --help"'],
      [["-x"], 'Unknown option "-x" for "status": see "status --help"'],
      [["--url"], 'Option "--url" needs a value: see "status --help"'],
      [["--url", "--json"], 'Option "--url" needs a value: see "status --help"'],
      [["--json=yes"], 'Option "--json" takes no value: see "status --help"'],
    ] as const
  ) {
    await t.step(args.join(" "), () => {
      assert.throws(() => parseArgs(args, SPEC, "status"), new UsageError(message));
    });
  }
});
