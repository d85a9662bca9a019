import assert from "node:assert/strict";
import { baseName, callerFromStack, captureCaller, parseFrame } from "../../src/logging/caller.ts";

const V8 = `Error
    at captureCaller (file:///home/me/tusk/src/logging/caller.ts:99:9)
    at LogSink.log (file:///home/me/tusk/src/logging/log_sink.ts:80:12)
    at method (file:///home/me/tusk/src/logging/logger.ts:70:47)
    at Object.<anonymous> (file:///home/me/app/example.ts:7:8)
    at ext:core/01_core.js:12:3`;

const NODE = `Error
    at node:internal/console/constructor:1:2
    at async Promise.all (index 0)
    at /srv/app/lib/tusk/src/logging/logger.ts:70:47
    at new Worker (C:\\work\\app\\worker.mjs:31:5)`;

const JSC = `captureCaller@/home/me/tusk/src/logging/caller.ts:99:9
log@/home/me/tusk/src/logging/log_sink.ts:80:12
method@/home/me/tusk/src/logging/logger.ts:70:47
global code@/home/me/app/example.ts:12:5
[native code]`;

// Bun formats JavaScriptCore's frames the V8 way.
const BUN = `Error
    at method (/home/me/tusk/src/logging/logger.ts:70:47)
    at <anonymous> (/home/me/app/example.ts:13:10)
    at /home/me/app/example.ts:14:3
    at processTicksAndRejections (native:7:39)`;

Deno.test("parseFrame() reads V8 and JavaScriptCore frames", () => {
  assert.deepEqual(parseFrame("    at fn (file:///a/x.ts:12:5)"), {
    path: "file:///a/x.ts",
    line: 12,
  });
  assert.deepEqual(parseFrame("    at file:///a/x.ts:3:1"), { path: "file:///a/x.ts", line: 3 });
  assert.deepEqual(parseFrame("    at async fn (/a/x.ts:4:1)"), { path: "/a/x.ts", line: 4 });
  assert.deepEqual(parseFrame("    at async /a/x.ts:5:1"), { path: "/a/x.ts", line: 5 });
  assert.deepEqual(parseFrame("fn@/a/x.ts:12:5"), { path: "/a/x.ts", line: 12 });
  assert.deepEqual(parseFrame("@https://h/x.js:1:2"), { path: "https://h/x.js", line: 1 });
  assert.deepEqual(parseFrame("    at C:\\a\\x.js:9:1"), { path: "C:\\a\\x.js", line: 9 });
  assert.equal(parseFrame("Error: boom"), undefined);
  assert.equal(parseFrame("[native code]"), undefined);
  assert.equal(parseFrame("    at async Promise.all (index 0)"), undefined);
});

Deno.test("baseName() strips folders, queries and fragments", () => {
  assert.equal(baseName("file:///a/b/example.ts"), "example.ts");
  assert.equal(baseName("C:\\a\\worker.mjs"), "worker.mjs");
  assert.equal(baseName("https://h/app.js?v=3#x"), "app.js");
});

Deno.test("callerFromStack() skips the library's and the runtime's frames", async (t) => {
  const own = "file:///home/me/tusk/src/logging/";
  await t.step("V8 (Deno)", () => {
    assert.deepEqual(callerFromStack(V8, own), {
      file: "example.ts",
      line: 7,
      path: "file:///home/me/app/example.ts",
    });
  });
  await t.step("V8 (Node)", () => {
    assert.deepEqual(callerFromStack(NODE, "/srv/app/lib/tusk/src/logging/"), {
      file: "worker.mjs",
      line: 31,
      path: "C:\\work\\app\\worker.mjs",
    });
  });
  await t.step("JavaScriptCore", () => {
    assert.deepEqual(callerFromStack(JSC, "/home/me/tusk/src/logging/"), {
      file: "example.ts",
      line: 12,
      path: "/home/me/app/example.ts",
    });
  });
  await t.step("Bun", () => {
    assert.deepEqual(callerFromStack(BUN, "/home/me/tusk/src/logging/"), {
      file: "example.ts",
      line: 13,
      path: "/home/me/app/example.ts",
    });
  });
  await t.step("nothing left", () => {
    assert.equal(callerFromStack("Error\n    at ext:core/x.js:1:1", own), undefined);
    assert.equal(callerFromStack(undefined, own), undefined);
  });
});

Deno.test("captureCaller() names the frame that called the given function", () => {
  function libraryEntry(): ReturnType<typeof captureCaller> {
    const found = captureCaller(libraryEntry);
    return found;
  }
  const line = Number(new Error().stack!.split("\n")[1]!.match(/:(\d+):\d+\)?$/)![1]) + 1;
  const found = libraryEntry();
  assert.deepEqual({ file: found?.file, line: found?.line }, { file: "caller_test.ts", line });
  // Engines name the file by URL or by path.
  assert.ok(
    [import.meta.url, new URL(import.meta.url).pathname].includes(found!.path),
    found!.path,
  );
});
