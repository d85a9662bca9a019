import assert from "node:assert/strict";
import { GZIP_MIN_BODY, gzipRequests } from "../../src/transport/gzip_requests.ts";

interface Seen {
  encoding: string | null;
  body: Uint8Array;
  other: string | null;
}

function recorder(): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    seen.push({
      encoding: request.headers.get("content-encoding"),
      body: new Uint8Array(await request.arrayBuffer()),
      other: request.headers.get("authorization"),
    });
    return new Response("ok");
  };
  return { fetch: fetchFn, seen };
}

async function gunzip(bytes: Uint8Array): Promise<string> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}

Deno.test("gzipRequests() gzips a large body, keeps the other headers, and says so", async () => {
  const { fetch: base, seen } = recorder();
  const rows = Array.from({ length: 500 }, (_, i) => `{"i":${i},"s":"ünïcödé"}\n`).join("");
  await gzipRequests(base)("http://ch.invalid/?query=INSERT", {
    method: "POST",
    body: rows,
    headers: { authorization: "Basic abc" },
  });
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.encoding, "gzip");
  assert.equal(seen[0]!.other, "Basic abc");
  assert.ok(seen[0]!.body.byteLength < rows.length / 5, "repetitive rows shrink");
  assert.equal(await gunzip(seen[0]!.body), rows);
});

Deno.test("gzipRequests() sends small bodies and requests without a body as they are", async () => {
  const { fetch: base, seen } = recorder();
  const send = gzipRequests(base);
  const small = "x".repeat(GZIP_MIN_BODY - 1);
  await send("http://ch.invalid/", { method: "POST", body: small });
  await send("http://ch.invalid/?query=SELECT%201");
  assert.deepEqual(seen.map((s) => s.encoding), [null, null]);
  assert.equal(new TextDecoder().decode(seen[0]!.body), small);
});
