import assert from "node:assert/strict";
import { isSecretName } from "../../src/validation/is_secret_name.ts";

Deno.test("isSecretName() knows the names that hold secrets", () => {
  for (
    const name of [
      "password",
      "clickhouse_password",
      "CH_PASSWORD",
      "passwd",
      "api_token",
      "secret",
      "Authorization",
      "credentials",
      "private_key",
      "logging.password",
    ]
  ) {
    assert.ok(isSecretName(name), name);
  }
  for (const name of ["user", "host", "url", "database", "heartbeat.period", "CH_URL"]) {
    assert.ok(!isSecretName(name), name);
  }
});
