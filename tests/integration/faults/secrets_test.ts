// The password never leaves the Authorization header: not in what the library prints (console,
// onError, thrown errors, stats()), nor in what it sends (URLs, other headers, bodies), through
// good rows, bad rows, a wrong password, 5xx answers and an outage.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as tusk from "../../../mod.ts";
import { freshDatabase, sql } from "../../_helpers/engines.ts";
import { forEachEngine, uniqueClient } from "../../_helpers/for_each_engine.ts";
import { FaultProxy } from "./_proxy.ts";
import { idsTable } from "./_faults.ts";
import { originalConsole } from "../../../src/runtime/original_console.ts";

function dump(value: unknown, seen = new Set<unknown>()): string {
  if (value instanceof Error) {
    if (seen.has(value)) return "";
    seen.add(value);
    const extra = Object.entries(value).map(([k, v]) => `${k}=${dump(v, seen)}`).join(" ");
    return `${value.name} ${value.message} ${value.stack} ${extra} ${dump(value.cause, seen)}`;
  }
  try {
    return typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

forEachEngine("security: the password appears nowhere but in Authorization", async (e) => {
  const secret = e.password;
  const forms = [
    secret,
    encodeURIComponent(secret),
    Buffer.from(secret).toString("base64"),
    Buffer.from(`${e.user}:${secret}`).toString("base64"),
  ];
  const db = await freshDatabase(e, "secrets");
  const table = await idsTable(e, db);
  const proxy = FaultProxy.start(e.url);
  proxy.record = true;
  const printed: string[] = [];
  const saved = { ...console };
  const savedOriginal = { ...originalConsole };
  const capture = (...args: unknown[]) => printed.push(args.map((a) => dump(a)).join(" "));
  for (const k of ["log", "error", "warn", "info", "debug"] as const) console[k] = capture;
  // The reporter prints through the console as it was before any interception.
  Object.assign(originalConsole, { error: capture, warn: capture });
  const clientName = uniqueClient("secret");
  const wrongName = uniqueClient("wrong");
  try {
    // Credentials in the URL are moved into the header.
    const c = tusk.init({
      url: `http://${e.user}:${encodeURIComponent(secret)}@127.0.0.1:${proxy.port}`,
      clientName,
      onError: (x) => printed.push(dump(x)),
      closeTimeout: 1,
    });
    printed.push(String(c.url));
    const m = tusk.metric({ table, clientName });
    m.write({ id: 1 });
    m.write({ id: 2, nope: secret.length }); // held, then refused and reported
    await m.ready();
    try {
      m.write({ id: 3, note: { secret: "x" } });
    } catch (x) {
      printed.push(dump(x));
    }
    await m.flush();
    for (const mode of [{ kind: "status", status: 500 }, { kind: "reset" }] as const) {
      proxy.mode = mode;
      m.write({ id: 4 });
      await m.flush().catch((x) => printed.push(dump(x)));
    }
    proxy.mode = { kind: "pass" };
    // A wrong password (still a secret-looking string) through the same proxy, without onError:
    // its reports go to the console.
    tusk.init({ url: proxy.url, user: e.user, password: secret + "-wrong", clientName: wrongName });
    const w = tusk.metric({ table, clientName: wrongName });
    w.write({ id: 5 });
    await w.flush().catch((x) => printed.push(dump(x)));
    printed.push(JSON.stringify(tusk.stats()));
    await tusk.close();
  } finally {
    Object.assign(console, saved);
    Object.assign(originalConsole, savedOriginal);
    proxy.close();
    await sql(e, `DROP DATABASE ${db}`);
  }
  const sent = Buffer.concat(proxy.requests).toString("latin1")
    .split("\r\n")
    .filter((line) => !/^authorization:/i.test(line))
    .join("\r\n");
  assert.ok(sent.includes("INSERT INTO"), "requests were recorded");
  assert.ok(printed.length > 3, "problems were printed");
  assert.ok(printed.some((p) => p.startsWith("[tusk] ")), "the console reports were captured");
  const all = printed.join("\n");
  for (const form of forms) {
    assert.ok(!all.includes(form), `printed text holds the password (${form})`);
    assert.ok(!sent.includes(form), `a request holds the password outside Authorization (${form})`);
  }
});
