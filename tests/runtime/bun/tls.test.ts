// The TypeScript sources over HTTPS in Bun: with the test CA given as NODE_EXTRA_CA_CERTS (which Bun
// honours like Node, read at start-up, so each case is a child process) rows written with an
// `https://` URL and with `secure: true` arrive; without it, the flush fails at once with an error
// that says the certificate is not trusted and how to give the CA.
import { describe, expect, test } from "bun:test";
import {
  assertDeliveredOverTls,
  assertUntrusted,
  inTlsDatabase,
  rowsVia,
  runTlsChild,
  target,
  tlsEngine,
  tlsScript,
} from "../_shared/tls.mjs";

const MOD = new URL("../../../mod.ts", import.meta.url).pathname;
const { engine, httpsUrl, caFile, reason } = tlsEngine();
if (reason) console.warn(`SKIP Bun over HTTPS: ${reason}`);

function bun(table: string, how: "url" | "secure", env: Record<string, string>) {
  return runTlsChild(process.execPath, ["run"], "child.ts", tlsScript(MOD), {
    TLS_TARGET: JSON.stringify(target(httpsUrl!, how)),
    TLS_TABLE: table,
    TLS_VIA: how,
    TLS_USER: engine!.user,
    TLS_PW: engine!.password,
    ...env,
  });
}

describe.skipIf(Boolean(reason))("Bun over HTTPS [clickhouse-18]", () => {
  for (const how of ["url", "secure"] as const) {
    test(
      `rows written with ${how === "url" ? "an https:// URL" : "secure: true"} arrive`,
      async () => {
        await inTlsDatabase(engine!, "bun", async (table: string) => {
          const run = await bun(table, how, { NODE_EXTRA_CA_CERTS: caFile! });
          assertDeliveredOverTls(run);
          expect(await rowsVia(engine!, table, how)).toEqual([0, 1, 2]);
        });
      },
      30_000,
    );
  }

  test("without the CA the flush fails at once: the certificate is not trusted", async () => {
    await inTlsDatabase(engine!, "bun", async (table: string) => {
      const run = await bun(table, "url", {});
      assertUntrusted(run, "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
      expect(await rowsVia(engine!, table, "url")).toEqual([]);
    });
  }, 30_000);
});
