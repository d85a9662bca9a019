import assert from "node:assert/strict";
import { urlProblem } from "../../src/validation/url_problem.ts";

Deno.test("urlProblem() accepts http(s) URLs, IPv6 literals and paths included", () => {
  for (
    const url of [
      "http://localhost:8123",
      "https://ch.example",
      "HTTPS://ch.example:8443/",
      "http://u:P@ss@127.0.0.1:8123",
      "http://[::1]:8123",
      "http://h:8123/proxy/path?x=1",
    ]
  ) {
    assert.equal(urlProblem(url), undefined, url);
  }
});

Deno.test("urlProblem() says what is wrong, the password masked", async (t) => {
  const cases: [string, string, string][] = [
    [
      "port out of range",
      "http://tester:P@assw0rd@127.0.0.1:99999",
      'port 99999 is out of range (1-65535) in "http://tester:***@127.0.0.1:99999"',
    ],
    ["port 0", "http://h:0", 'port 0 is out of range (1-65535) in "http://h:0"'],
    ["port not a number", "http://h:81a", 'port "81a" is not a number in "http://h:81a"'],
    [
      "IPv6 literal without its ]",
      "http://tester:P@assw0rd@[::1:18123",
      'IPv6 address without its closing "]" in "http://tester:***@[::1:18123"',
    ],
    [
      "bad IPv6 literal",
      "http://[::zz]:1",
      '"[::zz]" is not a valid IPv6 address in "http://[::zz]:1"',
    ],
    [
      "IPv6 without brackets",
      "http://::1:8123",
      'an IPv6 address needs brackets, as in "http://[::1]:8123" in "http://::1:8123"',
    ],
    [
      "a space in the host",
      "http://tester:P@assw0rd@my host:8123",
      'a space in the host in "http://tester:***@my host:8123"',
    ],
    ["no host", "http://u:pw@", 'no host in "http://u:***@"'],
    [
      "not http(s)",
      "ftp://u:pw@h:21",
      '"ftp:" is not http or https in "ftp://u:***@h:21"',
    ],
    ["another bad character", "http://a<b:1", 'not a valid URL: "http://a<b:1"'],
  ];
  for (const [what, url, expected] of cases) {
    await t.step(what, () => assert.equal(urlProblem(url), expected));
  }
});

Deno.test("urlProblem() never shows text without a scheme (it may be a password)", () => {
  for (const text of ["P@assw0rd", "tester:P@assw0rd@127.0.0.1:8123", "localhost:8123"]) {
    assert.equal(urlProblem(text), "expected a URL starting with http:// or https://");
  }
});
