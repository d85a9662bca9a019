// A dedicated clickhouse-server 18.16, started by this test, killed (SIGKILL) mid-stream and
// restarted on the same folder and port: no row is lost; duplicates (18.16 cannot deduplicate
// by token) are counted.
import assert from "node:assert/strict";
import * as tusk from "../../../mod.ts";
import { sql, type TestEngine } from "../../_helpers/engines.ts";
import { uniqueClient } from "../../_helpers/for_each_engine.ts";
import { client, countIds, figure, FULL, idsTable, sleep, totals, until } from "./_faults.ts";
// @ts-types="./_clickhouse18.d.ts"
import { findClickHouseServer, startClickHouse18 } from "../../../tools/engines/clickhouse18.mjs";

const installed = findClickHouseServer() !== null;

Deno.test({
  name: "faults: 18.16 killed mid-stream and restarted: no row lost, duplicates counted",
  ignore: !installed,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    let server = await startClickHouse18();
    const engine: TestEngine = {
      name: "clickhouse-18",
      url: server.url,
      user: server.user,
      password: server.password,
      modern: false,
    };
    const clientName = uniqueClient("kill");
    try {
      await sql(engine, "CREATE DATABASE faults");
      const table = await idsTable(engine, "faults");
      client(engine, server.url, clientName, {
        requestTimeout: 2,
        batching: { period: 0.1, maxRows: 500 },
      });
      const m = tusk.metric({ table, clientName });
      await m.ready();
      let id = 0;
      const seconds = FULL ? 30 : 8;
      const started = Date.now();
      let killed = false;
      let restarted = false;
      // 5,000 rows/s for `seconds`; killed after 2 s, back 2 s later.
      while (Date.now() - started < seconds * 1000) {
        for (let i = 0; i < 100; i++) m.write({ id: id++, note: "x" });
        const t = Date.now() - started;
        if (!killed && t > 2000) {
          killed = true;
          await server.kill();
        } else if (killed && !restarted && t > 4000) {
          restarted = true;
          server = await startClickHouse18({ dir: server.dir, httpPort: server.httpPort });
        }
        await sleep(20);
      }
      await until(
        async () => {
          await m.flush().catch(() => {});
          return totals(clientName).pending === 0;
        },
        "every row delivered",
        60_000,
        200,
      );
      const got = await countIds(engine, table);
      const s = totals(clientName);
      assert.equal(got.ids, id, "no row lost");
      assert.deepEqual(s.dropped, {});
      assert.ok(s.retried > 0, "the outage was retried through");
      figure("kill -9 and restart [clickhouse-18]", {
        written: id,
        distinct: got.ids,
        duplicates: got.rows - got.ids,
        retriedRows: s.retried,
      });
    } finally {
      await tusk.close();
      await server.stop();
    }
  },
});
