// Test engines started by tools/test.mjs (`npm test`), and raw HTTP helpers that read rows back
// independently of the library under test.
import { Buffer } from "node:buffer";

export interface TestEngine {
  name: "clickhouse-18" | "chdb";
  url: string;
  user: string;
  password: string;
  /** true for chDB 26.x (typed errors, DateTime64, Map, param_*, X-ClickHouse-Summary). */
  modern: boolean;
}

const ENGINE_VARS = { "clickhouse-18": "TUSK_TEST_CH18_URL", chdb: "TUSK_TEST_CHDB_URL" } as const;
const HOW_TO_GET = {
  "clickhouse-18": "clickhouse-server 18.16 not installed: run " +
    "`apt-get install -y --no-install-recommends clickhouse-server clickhouse-client`, then `npm test`",
  chdb: "chDB front not running: run the tests with `npm test` (it starts the engines)",
} as const;

function env(name: string): string | undefined {
  return Deno.env.get(name) || undefined;
}

/** The engines available to this run (set by tools/test.mjs). */
export function testEngines(): TestEngine[] {
  const out: TestEngine[] = [];
  for (const name of ["clickhouse-18", "chdb"] as const) {
    const url = env(ENGINE_VARS[name]);
    if (!url) continue;
    out.push({
      name,
      url: url.replace(/\/+$/, ""),
      user: env("TUSK_TEST_USER") ?? "tester",
      password: env("TUSK_TEST_PASSWORD") ?? "P@assw0rd",
      modern: name === "chdb",
    });
  }
  return out;
}

const reported = new Set<string>();

/** `{ engine }` when present, else `{ reason }` (printed once): use `ignore: !engine`. */
export function engineOrSkip(name: TestEngine["name"]): { engine?: TestEngine; reason?: string } {
  const engine = testEngines().find((e) => e.name === name);
  if (engine) return { engine };
  const reason = HOW_TO_GET[name];
  if (!reported.has(name)) {
    reported.add(name);
    console.warn(`SKIP ${name} tests: ${reason}`);
  }
  return { reason };
}

/** Every engine name, with the engine or the reason it is skipped. */
export function allEngines(): { name: TestEngine["name"]; engine?: TestEngine; reason?: string }[] {
  return (["clickhouse-18", "chdb"] as const).map((name) => ({ name, ...engineOrSkip(name) }));
}

export function authHeader(engine: TestEngine): string {
  return "Basic " + Buffer.from(`${engine.user}:${engine.password}`).toString("base64");
}

/** Runs `query` (body as the data following it, if given); throws with the body on non-2xx. */
export async function sql(engine: TestEngine, query: string, body?: string): Promise<string> {
  const url = body === undefined
    ? `${engine.url}/`
    : `${engine.url}/?query=${encodeURIComponent(query)}`;
  const res = await fetch(url, {
    method: "POST",
    headers: { Authorization: authHeader(engine) },
    body: body ?? query,
  });
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`${engine.name} HTTP ${res.status}: ${text.trim()}\nquery: ${query}`);
  }
  return text;
}

/** SELECT rows as objects (appends FORMAT JSONEachRow). */
export async function selectRows<T = Record<string, unknown>>(
  engine: TestEngine,
  query: string,
): Promise<T[]> {
  const text = await sql(engine, `${query} FORMAT JSONEachRow`);
  return text.split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l) as T);
}

/** Creates a unique database `tusk_test_<prefix>_<random>` and returns its name. */
export async function freshDatabase(engine: TestEngine, prefix: string): Promise<string> {
  const safe = prefix.replace(/[^A-Za-z0-9_]/g, "_");
  const name = `tusk_test_${safe}_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  await sql(engine, `CREATE DATABASE ${name}`);
  return name;
}
