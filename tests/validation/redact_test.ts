import assert from "node:assert/strict";
import { redact } from "../../src/validation/redact.ts";

Deno.test("redact() replaces each secret, plain or percent-encoded, by what stands for it", () => {
  const secrets = new Map([["P@ss w0rd", "${CH_PASSWORD}"], ["tok", "***"]]);
  assert.equal(
    redact('got "P@ss w0rd" and "P%40ss%20w0rd" and tok', secrets),
    'got "${CH_PASSWORD}" and "${CH_PASSWORD}" and ***',
  );
});

Deno.test("redact() replaces the longest secret first, and ignores an empty one", () => {
  const secrets = new Map([["abc", "<short>"], ["abcdef", "<long>"], ["", "<empty>"]]);
  assert.equal(redact("abcdef abc", secrets), "<long> <short>");
});
