// The password never leaves the Authorization header: not in what the library shows (thrown errors
// with their cause chain and stack, onError, the console, stats()), nor in what it sends (URLs,
// other headers, bodies). Every error path is run with the password in reach: bad options and
// YAML (interpolation included), a refused connection, a wrong password, a missing table, bad
// rows, 5xx answers and reset connections.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as tusk from "../../../mod.ts";
import * as tuskYaml from "../../../src/config/mod.ts";
import { freshDatabase, sql, testEngines } from "../../_helpers/engines.ts";
import { forEachEngine, uniqueClient } from "../../_helpers/for_each_engine.ts";
import { FaultProxy, type ProxyMode } from "./_proxy.ts";
import { idsTable } from "./_faults.ts";
import { assertNoSecret, attempt, dump, secretForms, thrown } from "./_secret_scan.ts";
import { originalConsole } from "../../../src/runtime/original_console.ts";

const USER = "tester";
const SECRET = testEngines()[0]?.password ?? "P@assw0rd";

Deno.test("security: no option error shows the password", () => {
  const at = `${USER}:${SECRET}@`;
  const options: tusk.InitOptions[] = [
    { url: `http://${at}127.0.0.1:99999` }, // port out of range
    { url: `http://${at}[::1:18123` }, // IPv6 literal without its "]"
    { url: `http://${at}my host:8123` }, // a space in the host
    { url: `ftp://${at}127.0.0.1:21` }, // not http(s)
    { url: `${at}127.0.0.1:8123` }, // no scheme
    { url: `http://${at}` }, // no host
    { url: `http://${at}127.0.0.1:8123`, port: 0 }, // another option wrong
    { host: `${at}127.0.0.1` }, // credentials where a host name belongs
    { host: SECRET },
    { password: [SECRET] as unknown as string },
    { password: { value: SECRET } as unknown as string },
    { clickhouseSettings: { password: [SECRET] as unknown as string } },
  ];
  const messages = options.map((o) => attempt(() => tusk.init({ ...o, clientName: "never" })));
  assertNoSecret(messages.filter((m) => m !== undefined), secretForms(USER, SECRET));
  const accepted = options.filter((_, i) => messages[i] === undefined);
  assert.deepEqual(accepted, [], "every bad option is refused");
  assert.equal(tusk.getClient("never"), undefined, "no client was made");
});

Deno.test("security: no YAML error shows the password", () => {
  const env = { CH_USER: USER, CH_PASSWORD: SECRET };
  const texts = [
    `url: http://${USER}:${SECRET}@127.0.0.1:99999`,
    "url: http://${CH_USER}:${CH_PASSWORD}@[::1:18123",
    "url: ${CH_PASSWORD}",
    `password: [${SECRET}]`,
    `password:\n  value: ${SECRET}`,
    `clickhouse_password: ${SECRET}`,
    `clickhouse_settings:\n  auth_token: [${SECRET}]`,
    "port: ${CH_PASSWORD}", // a secret variable in a key that is not secret
    "host: ${CH_PASSWORD}",
    "user: ${CH_PASSWORD:-x}\nport: ${CH_PASSWORD}",
    // Syntax errors on the password's line.
    `password: "${SECRET}\nuser: x`,
    `password: [${SECRET}\nuser: x`,
    `password: ${SECRET}: x`,
    `password: ${SECRET}\n  user: x`,
    `password: ${SECRET}\npassword: ${SECRET}`,
  ];
  const messages = texts.map((text) =>
    attempt(() => tuskYaml.forYaml(text, { source: "secret.yml", env }))
  );
  messages.push(thrown(() => tuskYaml.forConfig({ password: { nested: SECRET } }, { env })));
  assertNoSecret(messages.filter((m) => m !== undefined), secretForms(USER, SECRET));
  const accepted = texts.filter((_, i) => messages[i] === undefined);
  assert.deepEqual(accepted, [], "every bad configuration is refused");
  assert.equal(tusk.getClient(), undefined, "nothing was started");
});

forEachEngine("security: the password appears nowhere but in Authorization", async (e) => {
  const secret = e.password;
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
      flushTimeout: 0.5,
    });
    printed.push(String(c.url));
    const m = tusk.metric({ table, clientName });
    m.write({ id: 1 });
    m.write({ id: 2, nope: secret.length }); // held, then refused and reported
    await m.ready();
    printed.push(thrown(() => m.write({ id: 3, note: { secret: "x" } })));
    printed.push(thrown(() => m.write({ id: "three" })));
    await m.flush();
    // A table that does not exist: ready() and flush() fail, and it is reported.
    const missing = tusk.metric({ table: `${db}.missing`, clientName });
    missing.write({ id: 1 });
    await missing.ready().catch((x) => printed.push(dump(x)));
    await missing.flush().catch((x) => printed.push(dump(x)));
    const faults: ProxyMode[] = [{ kind: "status", status: 500 }, { kind: "reset" }, {
      kind: "refuse",
    }];
    for (const mode of faults) {
      proxy.mode = mode;
      m.write({ id: 4 });
      await m.flush().catch((x) => printed.push(dump(x)));
      await tusk.flush().catch((x) => printed.push(dump(x)));
    }
    proxy.mode = { kind: "pass" };
    // A wrong password (still a secret-looking string) through the same proxy, without onError:
    // its reports go to the console.
    tusk.init({
      url: proxy.url,
      user: e.user,
      password: secret + "-wrong",
      clientName: wrongName,
      flushTimeout: 0.5,
    });
    const w = tusk.metric({ table, clientName: wrongName });
    w.write({ id: 5 });
    await w.ready().catch((x) => printed.push(dump(x)));
    await w.flush().catch((x) => printed.push(dump(x)));
    printed.push(JSON.stringify(tusk.stats()));
    await tusk.close().catch((x) => printed.push(dump(x)));
    printed.push(JSON.stringify(tusk.stats()));
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
  assert.ok(printed.length > 8, "problems were printed");
  assert.ok(printed.some((p) => p.startsWith("[tusk] ")), "the console reports were captured");
  const all = printed.join("\n");
  for (const what of [/Authentication failed|Wrong password/, /missing/, /three/]) {
    assert.match(all, what, "the scenario ran");
  }
  assertNoSecret(printed, secretForms(e.user, secret));
  assertNoSecret([sent], secretForms(e.user, secret));
});
