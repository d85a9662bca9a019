// One scenario for every runtime suite: all four row kinds written through the library as the
// runtime loads it (built JS in Node, TypeScript sources in Bun), then counted back over raw HTTP.
import { countRows, selectRows } from "./engines.mjs";

/**
 * Writes metric rows, counter sums, heartbeats and logs into `db` (made by `freshDatabase`), flushes,
 * and returns what ClickHouse holds: `{ cpu, quota, quotaSum, heartbeats, logs, levels }`.
 *
 * @param lib `{ tusk, counter, heartbeat, logging }`: the modules under test.
 */
export async function writeEveryKind(lib, engine, db, clientName) {
  const { tusk, counter, heartbeat, logging } = lib;
  const errors = [];
  const client = tusk.init({
    url: engine.url,
    user: engine.user,
    password: engine.password,
    clientName,
    onError: (error) => errors.push(error),
  });

  const cpu = tusk.metric({ table: `${db}.cpu`, clientName });
  cpu.write({ region: "Tokyo", instance_id: "ABC", usage: 0.43 });
  cpu.write({ region: "Seoul", instance_id: "XYZ", usage: 0.22 });
  cpu.write({ region: "Paris", instance_id: "QRS", usage: 0.01 });

  const quota = counter.counter({ table: `${db}.quota`, clientName });
  quota.count({ resource_id: "ABC111", requester_ip: "1.2.3.4" });
  quota.count({ requester_ip: "1.2.3.4", resource_id: "ABC111" }, 4);
  quota.count({ resource_id: "XYZ222", requester_ip: "5.6.7.8" }, 2);

  const beating = heartbeat.init({ table: `${db}.heartbeats`, appName: "rt_app", clientName });
  heartbeat.beat({ task: "scan_disk", heartbeatPeriod: 60, clientName });

  const logs = logging.init({ table: `${db}.logs`, appName: "rt_app", clientName, console: true });
  const logger = logging.getLogger();
  logger.info("Hello world!");
  logger.exception("Oh no!", new RangeError("out of range"));
  console.warn("Fire drill test.");
  await logs.stop();
  await beating.stop();

  await tusk.flush();
  await client.close();
  const sums = await selectRows(engine, `SELECT sum(count) AS s FROM ${db}.quota`);
  const levels = await selectRows(engine, `SELECT level FROM ${db}.logs ORDER BY level`);
  return {
    errors,
    cpu: await countRows(engine, `${db}.cpu`),
    quota: await countRows(engine, `${db}.quota`),
    quotaSum: Number(sums[0].s),
    heartbeats: await countRows(engine, `${db}.heartbeats`),
    logs: await countRows(engine, `${db}.logs`),
    levels: levels.map((r) => Number(r.level)),
  };
}

/** What `writeEveryKind` must find in ClickHouse. */
export const EXPECTED = {
  cpu: 3,
  quota: 2,
  quotaSum: 7,
  heartbeats: 2, // the `main` beat of init, and one of "scan_disk"
  logs: 3,
  levels: [2, 3, 4], // exception (error), console.warn (warning), info
};

/**
 * Writes 300 rows into `db.cpu` through a client with `compression: "gzip"` and returns how many
 * requests went out gzipped and how many of the rows ClickHouse holds: `{ gzipped, rows }`.
 *
 * @param lib `{ tusk }`: the module under test.
 */
export async function writeGzipped(lib, engine, db, clientName) {
  let gzipped = 0;
  const recording = (input, init) => {
    if (new Headers(init?.headers).get("content-encoding") === "gzip") gzipped++;
    return fetch(input, init);
  };
  const client = lib.tusk.init({
    url: engine.url,
    user: engine.user,
    password: engine.password,
    clientName,
    compression: "gzip",
    fetch: recording,
  });
  const cpu = lib.tusk.metric({ table: `${db}.cpu`, clientName });
  for (let i = 0; i < 300; i++) {
    cpu.write({ region: "gzip", instance_id: `i-${i}`, usage: i / 300 });
  }
  await client.flush();
  await client.close();
  return { gzipped, rows: await countRows(engine, `${db}.cpu`, "region = 'gzip'") };
}
