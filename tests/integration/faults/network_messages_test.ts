// What users read when the network, not ClickHouse, answers: a proxy's error page is summed up in
// one short line (the page stays on the error), and the lines @clickhouse/client-web logs go
// through onError (or Tusk's own report on the console) instead of being printed on their own.
import assert from "node:assert/strict";
import * as tusk from "../../../mod.ts";
import { freshDatabase, sql, type TestEngine } from "../../_helpers/engines.ts";
import { forEachEngine, uniqueClient } from "../../_helpers/for_each_engine.ts";
import { FaultProxy } from "./_proxy.ts";
import { client, countIds, idsTable } from "./_faults.ts";

// As nginx answers when the ClickHouse behind it is down, padded as such pages are (~2,000 chars).
const PROXY_PAGE = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
  "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n" +
  `<!-- ${"a padding to disable MSIE and Chrome friendly error page ".repeat(30)}-->\r\n` +
  "</body>\r\n</html>\r\n";

/** Every error in `errors` and their causes, flattened (a flush error holds its tables' errors). */
function allErrors(errors: unknown[]): Error[] {
  const out: Error[] = [];
  const visit = (e: unknown) => {
    if (!(e instanceof Error) || out.includes(e)) return;
    out.push(e);
    if (e instanceof tusk.TuskFlushError) e.tables.forEach((t) => visit(t.error));
    if (e instanceof AggregateError) e.errors.forEach(visit);
    visit(e.cause);
  };
  errors.forEach(visit);
  return out;
}

forEachEngine(
  "faults: a proxy's 502 HTML page is reported in one short line, the page on error.body",
  async (engine) => {
    const db = await freshDatabase(engine, "proxy_page");
    const table = await idsTable(engine, db);
    const proxy = FaultProxy.start(engine.url, {
      kind: "page",
      status: 502,
      contentType: "text/html",
      body: PROXY_PAGE,
    });
    const clientName = uniqueClient("page");
    const reported = client(engine, proxy.url, clientName);
    try {
      const m = tusk.metric({ table, clientName });
      m.write({ id: 1 });
      const flushed = await m.flush().then(() => undefined, (e: unknown) => e);
      assert.ok(flushed instanceof Error, "the flush through the failing proxy rejects");
      const seen = allErrors([flushed, ...reported]);
      for (const e of seen) {
        assert.ok(!e.message.includes("<"), `no HTML in a message: ${e.message}`);
        assert.ok(e.message.length < 600, `a short message: ${e.message.length} chars`);
      }
      const fromProxy = seen.filter((e): e is tusk.TuskClickHouseError =>
        e instanceof tusk.TuskClickHouseError
      );
      assert.ok(fromProxy.length > 0, `a TuskClickHouseError among ${seen.map((e) => e.message)}`);
      for (const e of fromProxy) {
        assert.match(e.message, /: HTTP 502 \(text\/html\): 502 Bad Gateway$/);
        assert.equal(e.body, PROXY_PAGE);
        assert.equal(e.status, 502);
        assert.equal(e.retryable, true);
      }
      proxy.mode = { kind: "pass" };
      await m.flush();
      assert.deepEqual(await countIds(engine, table), { rows: 1, ids: 1 }, "kept and delivered");
    } finally {
      await tusk.close();
      proxy.close();
      await sql(engine, `DROP DATABASE ${db}`);
    }
  },
);

// client-web reads a URL's path as a database name and warns that it overrides the option.
const WARNING =
  '@clickhouse/client-web WARN [Config]: "database" is overridden by a URL parameter.';

forEachEngine(
  "init(): @clickhouse/client-web's warning for a URL with a path reaches onError, not the console",
  async (engine) => {
    const reported: Error[] = [];
    const printed: string[] = [];
    const saved = { warn: console.warn, error: console.error, log: console.log };
    const capture = (...args: unknown[]) => printed.push(args.map(String).join(" "));
    console.warn = console.error = console.log = capture;
    const clientName = uniqueClient("path");
    try {
      tusk.init({
        url: `${engine.url}/some/path`,
        user: engine.user,
        password: engine.password,
        clientName,
        onError: (e) => reported.push(e),
      });
    } finally {
      Object.assign(console, saved);
      await tusk.getClient(clientName)?.close();
    }
    assert.deepEqual(printed, [], "nothing printed");
    assert.deepEqual(reported.map((e) => e.message), [WARNING]);
  },
);

forEachEngine(
  "init(): without onError, @clickhouse/client-web's warning is printed as Tusk's own report",
  async (engine: TestEngine) => {
    const script = `
      import * as tusk from ${JSON.stringify(new URL("../../../mod.ts", import.meta.url).href)};
      tusk.init({ url: ${JSON.stringify(`${engine.url}/some/path`)},
        user: ${JSON.stringify(engine.user)}, password: ${JSON.stringify(engine.password)} });
      await tusk.close();`;
    const config = new URL("../../../deno.json", import.meta.url).pathname;
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--config", config, "--ext=ts", script],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(stderr);
    assert.equal(code, 0, err);
    assert.equal(new TextDecoder().decode(stdout), "");
    assert.equal(err, `[tusk] ${WARNING}\n`);
  },
);
