// Tusk over HTTPS in Deno, against the 18.16 engine's HTTPS port (its certificate signed by the
// throwaway CA in TUSK_TEST_CA_FILE). A Deno program given the CA with DENO_CERT (read at
// start-up, so a child process) delivers rows written with an `https://` URL and with
// `secure: true`; this test process, which does not trust the CA, gets an error at once that says
// the certificate is not trusted and how to give the CA, and no retries.
import assert from "node:assert/strict";
import * as tusk from "../../mod.ts";
import { spawnDenoScript } from "../_helpers/deno_script.ts";
import { uniqueClient } from "../_helpers/for_each_engine.ts";
import {
  assertDeliveredOverTls,
  assertUntrusted,
  inTlsDatabase,
  rowsVia,
  target,
  tlsEngine,
  tlsScript,
  UNTRUSTED,
  UNTRUSTED_BOUND_MS,
} from "../runtime/_shared/tls.mjs";

const MOD = new URL("../../mod.ts", import.meta.url).href;
const { engine, httpsUrl, caFile, reason } = tlsEngine();
if (reason) console.warn(`SKIP TLS tests: ${reason}`);

/** Runs the child program in Deno with `env` added to this process's (which has no DENO_CERT). */
async function deno(table: string, how: "url" | "secure", env: Record<string, string>) {
  const child = await spawnDenoScript(tlsScript(MOD), {
    TLS_TARGET: JSON.stringify(target(httpsUrl!, how)),
    TLS_TABLE: table,
    TLS_VIA: how,
    TLS_USER: engine!.user,
    TLS_PW: engine!.password,
    ...env,
  });
  const { code, stdout, stderr } = await child.output();
  const out = new TextDecoder().decode(stdout);
  const line = /^RESULT (.*)$/m.exec(out)?.[1];
  return {
    code,
    stdout: out,
    stderr: new TextDecoder().decode(stderr),
    result: line === undefined ? undefined : JSON.parse(line),
  };
}

for (const how of ["url", "secure"] as const) {
  Deno.test({
    name: `init() with ${
      how === "url" ? "an https:// URL" : "secure: true"
    } delivers rows when Deno trusts the CA (DENO_CERT) [clickhouse-18]`,
    ignore: reason !== undefined,
    fn: () =>
      inTlsDatabase(engine!, "deno", async (table: string) => {
        const run = await deno(table, how, { DENO_CERT: caFile! });
        assertDeliveredOverTls(run);
        assert.deepEqual(await rowsVia(engine!, table, how), [0, 1, 2]);
      }),
  });
}

Deno.test({
  name: "a Deno program without the CA fails its flush at once: not trusted [clickhouse-18]",
  ignore: reason !== undefined,
  fn: () =>
    inTlsDatabase(engine!, "deno", async (table: string) => {
      assertUntrusted(await deno(table, "url", {}), "UnknownIssuer");
      assert.deepEqual(await rowsVia(engine!, table, "url"), []);
    }),
});

Deno.test({
  name: "an untrusted certificate is a tls TuskClickHouseError, reported once [clickhouse-18]",
  ignore: reason !== undefined,
  fn: () =>
    inTlsDatabase(engine!, "deno", async (table: string) => {
      assert.equal(Deno.env.get("DENO_CERT"), undefined, "this test process must not trust the CA");
      const clientName = uniqueClient("tls");
      const reported: Error[] = [];
      tusk.init({
        url: httpsUrl,
        user: engine!.user,
        password: engine!.password,
        clientName,
        onError: (e) => reported.push(e),
      });
      try {
        const metric = tusk.metric({ table, clientName });
        metric.write({ n: 1, via: "in-process" });
        const started = Date.now();
        const flushError = await metric.flush().then(() => undefined, (e: unknown) => e);
        const ms = Date.now() - started;
        assert.ok(flushError instanceof tusk.TuskFlushError, `got ${flushError}`);
        const error = flushError.cause;
        assert.ok(error instanceof tusk.TuskClickHouseError, `got ${error}`);
        assert.equal(error.kind, "tls");
        assert.equal(error.retryable, false);
        assert.equal(error.status, 0);
        assert.match(error.message.slice(error.message.indexOf(": ") + 2), UNTRUSTED);
        assert.match(
          String((error.cause as Error).cause),
          /invalid peer certificate: UnknownIssuer/,
        );
        assert.ok(ms < UNTRUSTED_BOUND_MS, `flush failed after ${ms} ms`);
        assert.equal(reported.length, 1, reported.map((e) => e.message).join("\n"));
        assert.equal(reported[0], error);
      } finally {
        await tusk.close();
      }
    }),
});
