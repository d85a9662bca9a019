// Tusk over HTTPS in workerd (miniflare). workerd's fetch trusts the CAs of its `network`
// service's tlsOptions: miniflare gives its default one the browser CAs plus the file named by
// NODE_EXTRA_CA_CERTS when miniflare was loaded (how `wrangler dev` users add a private CA), and a
// Worker's `outboundService` may name its own. Given the test CA that way, rows written with an
// `https://` URL arrive. Without it, workerd refuses the certificate but tells the Worker only
// "internal error; reference = ..." (the reason goes to workerd's log), so the library cannot
// name it: the error points to that log instead.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { COMPATIBILITY_DATE } from "../_shared/workerd.mjs";
import { inTlsDatabase, rowsVia, runTlsChild, tlsEngine } from "../_shared/tls.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const { engine, httpsUrl, caFile, reason } = tlsEngine();

// A Worker that writes three rows through `env.URL` and flushes (`/write`), or only reads the
// table's schema (`/ready`), answering with what happened.
const WORKER = `
import * as tusk from "@tusk/clickhouse";
const describe = (e) => ({ name: e.name, kind: e.kind, retryable: e.retryable, message: e.message });
export default {
  async fetch(request, env) {
    const route = new URL(request.url).pathname;
    const clientName = "tls" + crypto.randomUUID();
    tusk.init({ url: env.URL, user: env.USER, password: env.PASSWORD, clientName, onError() {} });
    const metric = tusk.metric({ table: env.TABLE, clientName });
    const result = {};
    try {
      if (route === "/ready") await metric.ready();
      for (let n = 0; n < 3 && route === "/write"; n++) metric.write({ n, via: "workerd" });
      await metric.flush();
    } catch (error) {
      result.error = describe(error instanceof tusk.TuskFlushError ? error.cause : error);
    }
    return Response.json(result);
  },
};
`;

async function bundle() {
  const result = await build({
    stdin: { contents: WORKER, resolveDir: root, loader: "js" },
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    alias: { "@tusk/clickhouse": join(root, "mod.ts") },
    write: false,
    logLevel: "error",
  });
  return result.outputFiles[0].text;
}

async function worker(script, table, extra) {
  let stderr = "";
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: ["nodejs_compat"],
    bindings: { URL: httpsUrl, USER: engine.user, PASSWORD: engine.password, TABLE: table },
    handleRuntimeStdio(stdout, err) {
      stdout.resume();
      err.on("data", (chunk) => (stderr += chunk));
    },
    ...extra,
  });
  await mf.ready;
  return { mf, stderr: () => stderr };
}

describe("workerd over HTTPS [clickhouse-18]", { skip: reason }, () => {
  let script;
  before(async () => {
    script = await bundle();
  });

  test("an outboundService trusting the CA: rows written with an https:// URL arrive", async () => {
    await inTlsDatabase(engine, "workers", async (table) => {
      const trusting = {
        network: {
          allow: ["public", "private"],
          tlsOptions: {
            trustBrowserCas: true,
            trustedCertificates: [readFileSync(caFile, "utf8")],
          },
        },
      };
      const { mf, stderr } = await worker(script, table, { outboundService: trusting });
      try {
        const result = await (await mf.dispatchFetch("http://worker/write")).json();
        assert.deepEqual(result, {}, stderr());
        assert.deepEqual(await rowsVia(engine, table, "workerd"), [0, 1, 2]);
      } finally {
        await mf.dispose();
      }
    });
  });

  test("NODE_EXTRA_CA_CERTS given to the process that loads miniflare: rows arrive", async () => {
    await inTlsDatabase(engine, "workers", async (table) => {
      // miniflare reads the variable when it is loaded, so a child process loads it.
      const options = {
        modules: true,
        script,
        compatibilityDate: COMPATIBILITY_DATE,
        compatibilityFlags: ["nodejs_compat"],
        bindings: { URL: httpsUrl, USER: engine.user, PASSWORD: engine.password, TABLE: table },
      };
      const child = `
import { Miniflare } from ${JSON.stringify(import.meta.resolve("miniflare"))};
const mf = new Miniflare(${JSON.stringify(options)});
const result = await (await mf.dispatchFetch("http://worker/write")).json();
await mf.dispose();
console.log("RESULT " + JSON.stringify(result));
`;
      const run = await runTlsChild(process.execPath, [], "child.mjs", child, {
        NODE_EXTRA_CA_CERTS: caFile,
      });
      assert.deepEqual(run.result, {}, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
      assert.deepEqual(await rowsVia(engine, table, "workerd"), [0, 1, 2]);
    });
  });

  test("without the CA the Worker gets workerd's internal error, and its log says why", async () => {
    await inTlsDatabase(engine, "workers", async (table) => {
      // The browser CAs only, as in production (the default service would also trust a
      // NODE_EXTRA_CA_CERTS given to this process).
      const browserCas = {
        network: { allow: ["public", "private"], tlsOptions: { trustBrowserCas: true } },
      };
      const { mf, stderr } = await worker(script, table, { outboundService: browserCas });
      try {
        const started = Date.now();
        const result = await (await mf.dispatchFetch("http://worker/ready")).json();
        const ms = Date.now() - started;
        assert.ok(result.error, "workerd refused the test CA's certificate");
        assert.equal(result.error.kind, "network", JSON.stringify(result));
        assert.match(
          result.error.message,
          /: network error: internal error; reference = \w+ \(workerd names the cause, such as an untrusted TLS certificate, in its own log\)$/,
        );
        assert.match(stderr(), /TLS peer's certificate is not trusted/);
        assert.ok(ms < 5_000, `answered after ${ms} ms`);
      } finally {
        await mf.dispose();
      }
    });
  });
});
