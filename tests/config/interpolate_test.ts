import assert from "node:assert/strict";
import type { ConfigProblem } from "../../src/validation/format_issues.ts";
import { interpolate } from "../../src/config/interpolate.ts";

const env: Record<string, string> = {
  HOST: "ch.example",
  PORT: "8443",
  SECURE: "true",
  EMPTY: "",
  CH_PASSWORD: "S3cret!",
};
const lookup = (name: string) => env[name];

Deno.test("interpolate() replaces ${VAR} and ${VAR:-default} inside strings", () => {
  const problems: ConfigProblem[] = [];
  const out = interpolate(
    { url: "https://${HOST}:${PORT}", user: "${USER_X:-tester}", note: "literal $${HOST}" },
    lookup,
    { problems },
  );
  assert.deepEqual(out, {
    url: "https://ch.example:8443",
    user: "tester",
    note: "literal ${HOST}",
  });
  assert.deepEqual(problems, []);
});

Deno.test("interpolate() gives a lone placeholder its value's type", () => {
  const out = interpolate({ port: "${PORT}", secure: "${SECURE}", host: "${HOST}" }, lookup, {
    problems: [],
  });
  assert.deepEqual(out, { port: 8443, secure: true, host: "ch.example" });
});

Deno.test("interpolate() treats an empty variable as unset, so the default applies", () => {
  assert.deepEqual(interpolate("${EMPTY:-fallback}", lookup, { problems: [] }), "fallback");
});

Deno.test("interpolate() reports each unset variable with its key path", () => {
  const problems: ConfigProblem[] = [];
  interpolate(
    { password: "${NO_SUCH}", logging: { table: "${NOPE}" }, list: ["${ALSO_NOT}"] },
    lookup,
    { problems },
  );
  assert.deepEqual(problems.map((p) => p.path), ["password", "logging.table", "list.0"]);
  assert.match(problems[0]!.message, /environment variable "NO_SUCH" is not set/);
});

Deno.test("interpolate() collects secret values: from secret variables, and under secret keys", () => {
  const secrets = new Map<string, string>();
  interpolate(
    {
      url: "http://u:${CH_PASSWORD}@${HOST}",
      password: "literal-pw",
      token: "${MY_TOKEN:-fallback-token}",
      host: "${HOST}",
    },
    lookup,
    { problems: [], secrets },
  );
  assert.deepEqual(
    secrets,
    new Map([
      ["S3cret!", "${CH_PASSWORD}"],
      ["literal-pw", "***"],
      ["fallback-token", "${MY_TOKEN}"],
    ]),
  );
});

Deno.test("interpolate() leaves non-strings alone and never changes its input", () => {
  const input = { port: 8123, secure: false, nested: { a: null } };
  const out = interpolate(input, lookup, { problems: [] });
  assert.deepEqual(out, input);
  assert.notEqual(out, input);
});
