// Test engines for the per-runtime suites (Node, Bun, Workers), in plain JavaScript: the same
// TUSK_TEST_* variables as tests/_helpers/engines.ts, read back over raw HTTP, not the library.

/** The engines of this run: `{ name, url, user, password, modern }` each. */
export function testEngines() {
  const env = globalThis.process?.env ?? {};
  const out = [];
  for (
    const [name, variable] of [["clickhouse-18", "TUSK_TEST_CH18_URL"], [
      "chdb",
      "TUSK_TEST_CHDB_URL",
    ]]
  ) {
    const url = env[variable];
    if (!url) continue;
    out.push({
      name,
      url: url.replace(/\/+$/, ""),
      user: env.TUSK_TEST_USER || "tester",
      password: env.TUSK_TEST_PASSWORD || "P@assw0rd",
      modern: name === "chdb",
    });
  }
  return out;
}

function authHeader(engine) {
  const bytes = new TextEncoder().encode(`${engine.user}:${engine.password}`);
  return "Basic " + btoa(String.fromCharCode(...bytes));
}

/** Runs one statement; throws with the server's text on a non-2xx answer. */
export async function sql(engine, query) {
  const res = await fetch(`${engine.url}/`, {
    method: "POST",
    headers: { Authorization: authHeader(engine) },
    body: query,
  });
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`${engine.name} HTTP ${res.status}: ${text.trim()}\nquery: ${query}`);
  }
  return text;
}

/** SELECT rows as objects. */
export async function selectRows(engine, query) {
  const text = await sql(engine, `${query} FORMAT JSONEachRow`);
  return text.split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l));
}

/** `SELECT count() FROM table` as a number (18.16 quotes 64-bit integers). */
export async function countRows(engine, table, where = "1") {
  const [row] = await selectRows(engine, `SELECT count() AS c FROM ${table} WHERE ${where}`);
  return Number(row.c);
}

/** Creates `tusk_rt_<prefix>_<random>` with the four tables of the scenario. */
export async function freshDatabase(engine, prefix) {
  const db = `tusk_rt_${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  await sql(engine, `CREATE DATABASE ${db}`);
  const time = engine.modern ? "DateTime64(3)" : "DateTime";
  const tables = {
    cpu: `region String, instance_id String, datetime ${time}, usage Float64`,
    quota: `resource_id String, requester_ip String, datetime DateTime, count UInt64`,
    heartbeats: `app String, datetime ${time}, task String, sequence UInt32, expiry ${time}`,
    logs: `app String, datetime ${time}, level Int8, logger String, line UInt32, error String, ` +
      `message String, stacktrace String`,
  };
  for (const [name, columns] of Object.entries(tables)) {
    await sql(engine, `CREATE TABLE ${db}.${name} (${columns}) ENGINE = Memory`);
  }
  return db;
}

export async function dropDatabase(engine, db) {
  await sql(engine, `DROP DATABASE IF EXISTS ${db}`);
}
