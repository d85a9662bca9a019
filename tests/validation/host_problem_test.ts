import assert from "node:assert/strict";
import { bracketHost, hostProblem } from "../../src/validation/host_problem.ts";

Deno.test("hostProblem() accepts names and addresses, IPv6 with or without brackets", () => {
  for (const host of ["localhost", "ch.example.com", "127.0.0.1", "::1", "[::1]", "fe80::1"]) {
    assert.equal(hostProblem(host), undefined, host);
  }
});

Deno.test("hostProblem() says what does not belong in a host", async (t) => {
  await t.step("credentials, without showing them", () => {
    assert.equal(
      hostProblem("tester:P@assw0rd@127.0.0.1"),
      'expected a host without "@" (credentials go in user and password)',
    );
  });
  await t.step("a port", () => {
    assert.equal(
      hostProblem("ch.example:8123"),
      'expected a host without a port (use port), got "ch.example:8123"',
    );
  });
  await t.step("a scheme or path", () => {
    assert.equal(
      hostProblem("http://ch.example"),
      'expected a host without a path, got "http://ch.example"',
    );
  });
  await t.step("a space, an empty name, a bad IPv6 literal", () => {
    assert.equal(hostProblem("my host"), 'a space in the host, got "my host"');
    assert.equal(hostProblem(""), 'no host, got ""');
    assert.equal(hostProblem("[::zz]"), '"[::zz]" is not a valid IPv6 address');
  });
});

Deno.test("bracketHost() brackets a bare IPv6 address only", () => {
  assert.equal(bracketHost("::1"), "[::1]");
  assert.equal(bracketHost("[::1]"), "[::1]");
  assert.equal(bracketHost("localhost"), "localhost");
});
