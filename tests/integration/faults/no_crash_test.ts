// No crash, no hang: Deno programs writing to a ClickHouse that is down (refused), or that hangs
// (accepts and never answers), end normally with no unhandled rejection; close() returns within
// closeTimeout and reports exactly the rows it could not deliver.
import assert from "node:assert/strict";
import { engineOrSkip } from "../../_helpers/engines.ts";
import { FaultProxy, type ProxyMode } from "./_proxy.ts";

const MOD = new URL("../../../mod.ts", import.meta.url).href;
const { engine } = engineOrSkip("clickhouse-18");

async function runChild(url: string, body: string): Promise<
  { code: number; stdout: string; stderr: string; ms: number }
> {
  const script = `
    import * as tusk from "${MOD}";
    globalThis.addEventListener("unhandledrejection", (e) => {
      console.log("UNHANDLED " + e.reason);
    });
    const reports = [];
    tusk.init({ url: "${url}", user: "tester", password: "P@assw0rd", requestTimeout: 0.5,
      closeTimeout: 1, batching: { period: 0.05 }, onError: (e) => reports.push(e.message) });
    const m = tusk.metric("default.nowhere");
    ${body}
  `;
  const started = Date.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    cwd: new URL("../../..", import.meta.url).pathname,
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(script));
  await w.close();
  const out = await child.output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
    ms: Date.now() - started,
  };
}

const WRITE_AND_CLOSE = `
  for (let i = 0; i < 100; i++) m.write({ id: i });
  // flush() rejects when rows cannot be delivered: the caller's to handle; everything the
  // library starts by itself (timers, retries, schema reads, the exit hook) must not reject.
  tusk.flush().catch(() => {});
  m.write({ id: 100 });
  m.ready().catch(() => {});
  await new Promise((r) => setTimeout(r, 700));
  const t = Date.now();
  await tusk.close();
  console.log("CLOSE_MS " + (Date.now() - t));
  console.log("REPORT " + reports.find((r) => r.startsWith("Cannot deliver")));
`;

for (
  const [label, mode] of [
    ["refused", { kind: "refuse" }],
    ["hanging", { kind: "delay", ms: 60_000 }],
    ["answering 503", { kind: "status", status: 503 }],
  ] as [string, ProxyMode][]
) {
  Deno.test({
    name: `faults: a program facing a ClickHouse ${label} ends cleanly; close() is bounded`,
    ignore: !engine,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const proxy = FaultProxy.start(engine!.url, mode);
      try {
        const r = await runChild(proxy.url, WRITE_AND_CLOSE);
        assert.equal(r.code, 0, r.stderr);
        assert.doesNotMatch(r.stdout + r.stderr, /UNHANDLED|Uncaught/);
        const closeMs = Number(/CLOSE_MS (\d+)/.exec(r.stdout)?.[1]);
        assert.ok(closeMs <= 1200, `close() took ${closeMs} ms (closeTimeout 1 s)`);
        assert.match(
          r.stdout,
          /REPORT Cannot deliver 101 rows of "default\.nowhere" \(client "default"\): closed before/,
        );
      } finally {
        proxy.close();
      }
    },
  });
}

Deno.test({
  name: "faults: a program that never flushes or closes ends despite a down server",
  ignore: !engine,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const proxy = FaultProxy.start(engine!.url, { kind: "refuse" });
    try {
      const r = await runChild(proxy.url, `for (let i = 0; i < 10; i++) m.write({ id: i });`);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout + r.stderr, /UNHANDLED|Uncaught/);
      assert.ok(r.ms < 15_000, `ended in ${r.ms} ms`);
    } finally {
      proxy.close();
    }
  },
});
