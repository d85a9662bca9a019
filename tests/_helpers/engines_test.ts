// The test engines themselves: both speak enough of ClickHouse's HTTP interface for the library.
import assert from "node:assert/strict";
import { createClient } from "@clickhouse/client-web";
import { allEngines, authHeader, freshDatabase, selectRows, sql } from "./engines.ts";
import type { TestEngine } from "./engines.ts";

interface Row {
  ts: string;
  s: string;
}

for (const { name, engine } of allEngines()) {
  const e = engine as TestEngine;
  Deno.test({
    name: `engine ${name}: ping, DDL, JSONEachRow inserts, read back, errors`,
    ignore: !engine,
    async fn() {
      const ping = await fetch(`${e.url}/ping`);
      assert.equal(ping.status, 200);
      assert.equal(await ping.text(), "Ok.\n");

      const db = await freshDatabase(e, "engines");
      try {
        await sql(e, `CREATE TABLE ${db}.t (ts DateTime, s String) ENGINE = MergeTree ORDER BY ts`);
        // The query in the URL, the body as its data.
        await sql(
          e,
          `INSERT INTO ${db}.t FORMAT JSONEachRow`,
          '{"ts":"2024-01-02 03:04:05","s":"a"}\n{"ts":"2024-01-02 03:04:06","s":"b"}\n',
        );
        // The query and its data, both in the body.
        await sql(
          e,
          `INSERT INTO ${db}.t FORMAT JSONEachRow\n` +
            '{"ts":"2024-01-02 03:04:07","s":"c"}\n{"ts":"2024-01-02 03:04:08","s":"d"}\n',
        );
        const rows = await selectRows<Row>(e, `SELECT ts, s FROM ${db}.t ORDER BY ts`);
        assert.deepEqual(rows.map((r) => r.s), ["a", "b", "c", "d"]);
        assert.equal(rows[0].ts, "2024-01-02 03:04:05");

        const bad = await fetch(
          `${e.url}/?query=${encodeURIComponent(`SELECT * FROM ${db}.nope`)}`,
          {
            headers: { Authorization: authHeader(e) },
          },
        );
        const text = await bad.text();
        assert.equal(bad.status, 404, text);
        assert.match(text, /^Code: 60[.,]/);
        if (e.modern) {
          assert.equal(bad.headers.get("x-clickhouse-exception-code"), "60");
          assert.match(text, /\(UNKNOWN_TABLE\)/);
        }
      } finally {
        await sql(e, `DROP DATABASE IF EXISTS ${db}`);
      }
    },
  });

  Deno.test({
    name: `engine ${name}: @clickhouse/client-web inserts and reads back; a wrong password fails`,
    ignore: !engine,
    async fn() {
      const db = await freshDatabase(e, "client_web");
      const client = createClient({
        url: e.url,
        username: e.user,
        password: e.password,
        database: db,
      });
      try {
        await client.command({
          query: `CREATE TABLE ${db}.t (ts DateTime, s String) ENGINE = MergeTree ORDER BY ts`,
        });
        await client.insert({
          table: "t",
          values: [{ ts: "2024-01-02 03:04:05", s: "x" }, { ts: "2024-01-02 03:04:06", s: "y" }],
          format: "JSONEachRow",
        });
        const rs = await client.query({
          query: "SELECT ts, s FROM t ORDER BY ts",
          format: "JSONEachRow",
        });
        assert.deepEqual(await rs.json<Row>(), [
          { ts: "2024-01-02 03:04:05", s: "x" },
          { ts: "2024-01-02 03:04:06", s: "y" },
        ]);
        const ex = await client.exec({ query: "SELECT count() AS c FROM t FORMAT JSONEachRow" });
        // 18.16 quotes 64-bit integers in JSON; modern servers do not.
        const count = e.modern ? '{"c":2}\n' : '{"c":"2"}\n';
        assert.equal(await new Response(ex.stream).text(), count);
      } finally {
        await client.command({ query: `DROP DATABASE IF EXISTS ${db}` });
        await client.close();
      }

      const wrong = createClient({ url: e.url, username: e.user, password: "wrong" });
      await assert.rejects(
        wrong.query({ query: "SELECT 1", format: "JSONEachRow" }),
        (err: Error & { code?: string }) =>
          e.modern
            ? err.code === "516" && /Authentication failed/.test(err.message)
            : /^Code: 193, .*Wrong password for user tester/.test(err.message),
      );
      await wrong.close();
    },
  });
}
