// A TCP proxy for fault-injection tests, on 127.0.0.1 only: it passes connections through to an
// engine, or delays, cuts, resets or refuses them, or answers an HTTP error itself. The library's
// connection does not keep connections alive, so every request is one TCP connection and a mode
// change applies from the next request.

/** What the proxy does with the next connections. */
export type ProxyMode =
  | { kind: "pass" }
  /** Not listening: connections are refused by the OS. */
  | { kind: "refuse" }
  /** Accepted, then closed at once without a byte. */
  | { kind: "reset" }
  /** The request goes through at once; the response is held for `ms`. */
  | { kind: "delay"; ms: number }
  /** The request goes through; the server's response is thrown away and the connection closed. */
  | { kind: "cut" }
  /** Answers itself with this status (the request never reaches the server). */
  | { kind: "status"; status: number; retryAfter?: string; body?: string }
  /** Answers itself with this status, content type and body, as a proxy's own error page. */
  | { kind: "page"; status: number; contentType: string; body: string };

/** What went through the proxy, for assertions. */
export interface ProxyCounts {
  connections: number;
  passed: number;
  reset: number;
  delayed: number;
  cut: number;
  answered: number;
}

export class FaultProxy {
  readonly port: number;
  readonly #upstream: { hostname: string; port: number };
  #mode: ProxyMode = { kind: "pass" };
  #listener: Deno.Listener | undefined;
  readonly #open = new Set<Deno.Conn>();
  /** Every request's bytes as sent by the client (for the secret scan). */
  readonly requests: Uint8Array[] = [];
  /** Record request bytes in `requests`. */
  record = false;
  readonly counts: ProxyCounts = {
    connections: 0,
    passed: 0,
    reset: 0,
    delayed: 0,
    cut: 0,
    answered: 0,
  };

  private constructor(upstream: string, port: number) {
    const url = new URL(upstream);
    this.#upstream = { hostname: url.hostname, port: Number(url.port) };
    this.port = port;
  }

  /** Starts a proxy in front of `upstream` (an `http://127.0.0.1:port` URL), passing through. */
  static start(upstream: string, mode: ProxyMode = { kind: "pass" }): FaultProxy {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const proxy = new FaultProxy(upstream, (listener.addr as Deno.NetAddr).port);
    proxy.#listen(listener);
    proxy.mode = mode;
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get mode(): ProxyMode {
    return this.#mode;
  }

  set mode(mode: ProxyMode) {
    this.#mode = mode;
    if (mode.kind === "refuse") {
      this.#listener?.close();
      this.#listener = undefined;
    } else if (this.#listener === undefined) {
      this.#listen(Deno.listen({ hostname: "127.0.0.1", port: this.port }));
    }
  }

  /** Stops listening and closes every open connection. */
  close(): void {
    this.#listener?.close();
    this.#listener = undefined;
    for (const conn of this.#open) safeClose(conn);
    this.#open.clear();
  }

  #listen(listener: Deno.Listener): void {
    this.#listener = listener;
    (async () => {
      try {
        for await (const conn of listener) {
          this.counts.connections++;
          this.#handle(conn, this.#mode).catch(() => {}).finally(() => {
            this.#open.delete(conn);
            safeClose(conn);
          });
        }
      } catch { /* listener closed */ }
    })();
  }

  async #handle(conn: Deno.Conn, mode: ProxyMode): Promise<void> {
    this.#open.add(conn);
    if (mode.kind === "reset" || mode.kind === "refuse") {
      this.counts.reset++;
      return;
    }
    if (mode.kind === "status" || mode.kind === "page") {
      this.counts.answered++;
      const request = await readRequest(conn);
      if (this.record) this.requests.push(request);
      const body = mode.body ?? `Code: 999. DB::Exception: injected ${mode.status}`;
      const head = [
        `HTTP/1.1 ${mode.status} Injected`,
        `Content-Type: ${mode.kind === "page" ? mode.contentType : "text/plain"}`,
        `Content-Length: ${new TextEncoder().encode(body).length}`,
        "Connection: close",
        ...(mode.kind === "page" || mode.retryAfter === undefined
          ? []
          : [`Retry-After: ${mode.retryAfter}`]),
      ];
      await writeAll(conn, new TextEncoder().encode(head.join("\r\n") + "\r\n\r\n" + body));
      return;
    }
    const upstream = await Deno.connect(this.#upstream);
    this.#open.add(upstream);
    try {
      const started = Date.now();
      const requestDone = this.#forward(conn, upstream);
      if (mode.kind === "cut") {
        this.counts.cut++;
        // Wait for the server's answer (the insert is done), then drop it.
        await readChunk(upstream);
        return;
      }
      if (mode.kind === "delay") {
        this.counts.delayed++;
        const first = await readChunk(upstream);
        const wait = mode.ms - (Date.now() - started);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (first !== null) await writeAll(conn, first);
      } else {
        this.counts.passed++;
      }
      await pump(upstream, conn);
      void requestDone; // the response is complete: both sides are closed in finally
    } finally {
      this.#open.delete(upstream);
      safeClose(upstream);
    }
  }

  // Forwards the request; the first chunk's headers get `Connection: close`, so the server
  // closes after one response and the client's next request opens a new connection (a pooled
  // connection would otherwise carry requests past a mode change).
  async #forward(from: Deno.Conn, to: Deno.Conn): Promise<void> {
    const buffer = new Uint8Array(64 * 1024);
    let first = true;
    try {
      for (;;) {
        const n = await from.read(buffer);
        if (n === null) return;
        let chunk: Uint8Array = buffer.slice(0, n);
        if (first) chunk = closeAfterResponse(chunk);
        first = false;
        if (this.record) this.requests.push(chunk);
        await writeAll(to, chunk);
      }
    } catch { /* either side closed */ }
  }
}

function closeAfterResponse(chunk: Uint8Array): Uint8Array {
  const text = new TextDecoder("latin1").decode(chunk);
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return chunk;
  const head = text.slice(0, end).split("\r\n").filter((l) => !/^connection:/i.test(l));
  head.push("Connection: close");
  const out = head.join("\r\n") + text.slice(end);
  return Uint8Array.from(out, (c) => c.charCodeAt(0));
}

async function pump(from: Deno.Conn, to: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await from.read(buffer);
      if (n === null) return;
      await writeAll(to, buffer.subarray(0, n));
    }
  } catch { /* either side closed */ }
}

async function readChunk(conn: Deno.Conn): Promise<Uint8Array | null> {
  const buffer = new Uint8Array(64 * 1024);
  try {
    const n = await conn.read(buffer);
    return n === null ? null : buffer.slice(0, n);
  } catch {
    return null;
  }
}

// Reads one HTTP request (headers, then a Content-Length or chunked body).
async function readRequest(conn: Deno.Conn): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let text = "";
  const decoder = new TextDecoder("latin1");
  for (;;) {
    const chunk = await readChunk(conn);
    if (chunk === null) break;
    chunks.push(chunk);
    text += decoder.decode(chunk);
    const end = text.indexOf("\r\n\r\n");
    if (end < 0) continue;
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end));
    if (length !== null && text.length - end - 4 >= Number(length[1])) break;
    if (length === null && !/transfer-encoding:\s*chunked/i.test(text.slice(0, end))) break;
    if (length === null && text.endsWith("0\r\n\r\n")) break;
  }
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let at = 0;
  while (at < data.length) at += await conn.write(data.subarray(at));
}

function safeClose(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch { /* already closed */ }
}
