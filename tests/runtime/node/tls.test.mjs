// The built module over HTTPS in Node: with the test CA given as NODE_EXTRA_CA_CERTS (read by Node
// at start-up, so each case is a child process) rows written with an `https://` URL and with
// `secure: true` arrive; without it, the flush fails at once with an error that says the
// certificate is not trusted and how to give the CA.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { pathToFileURL } from "node:url";
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

const MOD = pathToFileURL(new URL("../../../dist/mod.js", import.meta.url).pathname).href;
const { engine, httpsUrl, caFile, reason } = tlsEngine();

function node(table, how, env) {
  return runTlsChild(process.execPath, [], "child.mjs", tlsScript(MOD), {
    TLS_TARGET: JSON.stringify(target(httpsUrl, how)),
    TLS_TABLE: table,
    TLS_VIA: how,
    TLS_USER: engine.user,
    TLS_PW: engine.password,
    ...env,
  });
}

describe("Node over HTTPS [clickhouse-18]", { skip: reason }, () => {
  for (const how of ["url", "secure"]) {
    test(`rows written with ${how === "url" ? "an https:// URL" : "secure: true"} arrive`, async () => {
      await inTlsDatabase(engine, "node", async (table) => {
        const run = await node(table, how, { NODE_EXTRA_CA_CERTS: caFile });
        assertDeliveredOverTls(run);
        assert.deepEqual(await rowsVia(engine, table, how), [0, 1, 2]);
      });
    });
  }

  test("without the CA the flush fails at once: the certificate is not trusted", async () => {
    await inTlsDatabase(engine, "node", async (table) => {
      const run = await node(table, "url", {});
      assertUntrusted(run, "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
      assert.deepEqual(await rowsVia(engine, table, "url"), []);
    });
  });
});
