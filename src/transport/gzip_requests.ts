/**
 * Request compression for a `fetch`: bodies are gzipped with the web's
 * `CompressionStream` (Deno, Node 18+, Bun, Cloudflare Workers), which
 * `@clickhouse/client-web` does not do itself.
 *
 * @module
 */

/** Bodies smaller than this many characters or bytes are sent as they are. */
export const GZIP_MIN_BODY = 1024;

/**
 * Wraps a `fetch` so that a request body of text or bytes of at least
 * {@linkcode GZIP_MIN_BODY} goes out gzipped, with `Content-Encoding: gzip`,
 * which ClickHouse decompresses (18.x and later). It pays where the network is
 * slower than gzip (a remote server, a Worker calling ClickHouse Cloud), not on
 * a local network: gzip costs more CPU than the bytes it saves there.
 *
 * @param base The `fetch` that sends the request.
 * @returns A `fetch` with the same signature.
 *
 * @example Usage
 * ```ts
 * import { gzipRequests } from "./gzip_requests.ts";
 * const send = gzipRequests(fetch);
 * // await send("http://localhost:8123/?query=INSERT...", { method: "POST", body: rows });
 * ```
 */
export function gzipRequests(base: typeof fetch): typeof fetch {
  return async (input, init) => {
    const body = init?.body;
    const size = typeof body === "string"
      ? body.length
      : body instanceof Uint8Array
      ? body.byteLength
      : -1;
    if (size < GZIP_MIN_BODY) return base(input, init);
    const gzipped = await new Response(
      new Blob([body as string | Uint8Array<ArrayBuffer>]).stream().pipeThrough(
        new CompressionStream("gzip"),
      ),
    ).arrayBuffer();
    const headers = new Headers(init!.headers);
    headers.set("content-encoding", "gzip");
    return base(input, { ...init, body: gzipped, headers });
  };
}
