// Several endpoints against the real engines: a refused endpoint beside a live one, the load
// balancing policies (the engine listed twice: two endpoints with the same data), and the
// failures that go to no other endpoint. The replicated cluster's faults are in
// faults/cluster_failover_test.ts.
import assert from "node:assert/strict";
import * as tusk from "../../mod.ts";
import { freshDatabase, selectRows, sql, type TestEngine } from "../_helpers/engines.ts";
import { connect, forEachEngine, uniqueClient } from "../_helpers/for_each_engine.ts";
import { freePort } from "../../tools/engines/clickhouse18.mjs";

async function cpuTable(engine: TestEngine): Promise<string> {
  const db = await freshDatabase(engine, "endpoints");
  await sql(engine, `CREATE TABLE ${db}.cpu (id UInt32, datetime DateTime) ENGINE = Memory`);
  return `${db}.cpu`;
}

async function count(engine: TestEngine, table: string): Promise<number> {
  const [row] = await selectRows<{ n: string | number }>(
    engine,
    `SELECT count() AS n FROM ${table}`,
  );
  return Number(row!.n);
}

function endpointsOf(clientName: string, table: string): tusk.EndpointStats[] {
  return tusk.stats()[`${clientName}/${table}`]!.endpoints!;
}

forEachEngine(
  "url: [a refused endpoint, the server]: every row arrives, the dead one is reported once",
  async (engine) => {
    const table = await cpuTable(engine);
    const dead = `http://127.0.0.1:${await freePort()}`; // free: nothing listens there
    const clientName = uniqueClient("dead_first");
    const reported: Error[] = [];
    connect(engine, clientName, {
      url: [dead, engine.url],
      loadBalancing: "in_order",
      onError: (e) => reported.push(e),
    });
    try {
      const cpu = tusk.metric({ table, clientName });
      for (let batch = 0; batch < 5; batch++) {
        for (let i = 0; i < 10; i++) cpu.write({ id: batch * 10 + i });
        await cpu.flush();
      }
      assert.equal(await count(engine, table), 50);
      const [down, up] = endpointsOf(clientName, table);
      assert.equal(down!.url, dead);
      assert.equal(down!.state, "down");
      assert.ok(down!.failures >= 1);
      assert.equal(up!.failures, 0);
      assert.equal(tusk.stats()[`${clientName}/${table}`]!.failedBatches, 0);
      const downReports = reported.filter((e) => e.message.includes(`endpoint ${dead} is down`));
      assert.equal(downReports.length, 1, reported.map((e) => e.message).join("\n"));
    } finally {
      await tusk.getClient(clientName)?.close();
    }
  },
);

forEachEngine(
  "loadBalancing: round_robin and random use both endpoints, in_order the first",
  async (engine) => {
    const table = await cpuTable(engine);
    const used: Record<string, number[]> = {};
    for (const policy of ["round_robin", "in_order", "random"] as const) {
      const clientName = uniqueClient(`lb_${policy}`);
      connect(engine, clientName, { url: [engine.url, engine.url], loadBalancing: policy });
      try {
        const cpu = tusk.metric({ table, clientName });
        // The first flush also reads the schema and the server's settings: counted from after it.
        cpu.write({ id: -1 >>> 0 });
        await cpu.flush();
        const before = endpointsOf(clientName, table).map((e) => e.requests);
        for (let batch = 0; batch < 20; batch++) {
          cpu.write({ id: batch });
          await cpu.flush();
        }
        used[policy] = endpointsOf(clientName, table).map((e, i) => e.requests - before[i]!);
      } finally {
        await tusk.getClient(clientName)?.close();
      }
    }
    assert.deepEqual(used.round_robin, [10, 10]);
    assert.deepEqual(used.in_order, [20, 0]);
    assert.ok(used.random!.every((n) => n > 0) && used.random![0]! + used.random![1]! === 20);
    assert.equal(await count(engine, table), 63);
  },
);

forEachEngine(
  "a wrong password goes to no other endpoint; a table missing everywhere is tried once on each",
  async (engine) => {
    const table = await cpuTable(engine);
    const wrong = uniqueClient("lb_auth");
    connect(engine, wrong, {
      url: [engine.url, engine.url],
      loadBalancing: "in_order",
      password: "not-the-password",
    });
    const missing = uniqueClient("lb_missing");
    connect(engine, missing, { url: [engine.url, engine.url], loadBalancing: "in_order" });
    try {
      const auth = await tusk.metric({ table, clientName: wrong }).ready().catch((e) => e);
      assert.ok(auth instanceof tusk.TuskError, `got ${auth}`);
      const [first, second] = endpointsOf(wrong, table);
      assert.equal(first!.requests, 1);
      assert.equal(second!.requests, 0, "authentication is not the endpoint's fault");
      assert.equal(first!.state, "up");

      const nowhere = `${table.split(".")[0]}.nowhere`;
      const gone = await tusk.metric({ table: nowhere, clientName: missing }).ready()
        .catch((e) => e);
      assert.ok(gone instanceof tusk.TuskError, `got ${gone}`);
      const endpoints = endpointsOf(missing, nowhere);
      assert.deepEqual(endpoints.map((e) => [e.requests, e.failures]), [[1, 1], [1, 1]]);
      assert.ok(endpoints.every((e) => e.state === "up"), "a missing table does not rest them");
    } finally {
      await tusk.getClient(wrong)?.close();
      await tusk.getClient(missing)?.close();
    }
  },
);
