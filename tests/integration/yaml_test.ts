import assert from "node:assert/strict";
import * as tusk from "../../mod.ts";
import { logsTableDdl } from "../../src/logging/mod.ts";
import * as tuskYaml from "../../src/config/mod.ts";
import { selectRows, sql, type TestEngine } from "../_helpers/engines.ts";
import { forEachEngine, waitFor } from "../_helpers/for_each_engine.ts";

const EXAMPLE_YML = new URL("../../examples/example.yml", import.meta.url).pathname;

// The original README's YAML names localhost:8123; this fetch takes its
// requests to the test engine instead, so the file is used unchanged.
function redirect(engine: TestEngine): typeof fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const target = new URL(engine.url);
    assert.equal(url.host, "localhost:8123");
    url.host = target.host;
    return fetch(url, init);
  };
}

async function maintenanceTables(engine: TestEngine, db = "maintenance"): Promise<void> {
  await sql(engine, `CREATE DATABASE IF NOT EXISTS ${db}`);
  await sql(engine, `DROP TABLE IF EXISTS ${db}.heartbeats`);
  await sql(engine, `DROP TABLE IF EXISTS ${db}.logs`);
  const time = engine.modern ? "DateTime64(3)" : "DateTime";
  await sql(
    engine,
    `CREATE TABLE ${db}.heartbeats (app String, datetime ${time}, task String, sequence UInt32, expiry ${time})` +
      " ENGINE = MergeTree ORDER BY (app, datetime, task, sequence)",
  );
  await sql(engine, logsTableDdl(`${db}.logs`, { modern: engine.modern, ttlDays: 0 }));
}

forEachEngine(
  "forYamlFile() starts heartbeats and logging from the original README's YAML",
  async (engine) => {
    await maintenanceTables(engine);
    const clock = new tusk.FakeClock(Date.UTC(2022, 2, 10, 8, 53, 3));
    const printed: unknown[][] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void printed.push(args);
    try {
      const setup = await tuskYaml.forYamlFile(EXAMPLE_YML, {
        init: { fetch: redirect(engine), clock },
      });
      console.warn("Fire drill test.");
      await clock.tick(30_000); // a second main beat
      await setup.stop();
      await tusk.flush();
      const beats = await selectRows<{ app: string; task: string; sequence: number }>(
        engine,
        "SELECT app, task, sequence FROM maintenance.heartbeats ORDER BY sequence",
      );
      assert.deepEqual(beats, [
        { app: "my_app", task: "main", sequence: 0 },
        { app: "my_app", task: "main", sequence: 1 },
      ]);
      const logs = await selectRows(engine, "SELECT app, level, message FROM maintenance.logs");
      assert.deepEqual(logs, [{ app: "my_app", level: 3, message: "Fire drill test." }]);
      assert.deepEqual(printed, [["Fire drill test."]], "the console still printed");
    } finally {
      console.warn = original;
      await tusk.close();
    }
  },
);

forEachEngine(
  "forYaml() and forConfig() do the same from a string and an object, with ${VAR}",
  async (engine) => {
    await maintenanceTables(engine, "maintenance_cfg");
    const env = {
      CH_URL: engine.url,
      CH_USER: engine.user,
      CH_PASSWORD: engine.password,
      APP_NAME: "yaml_app",
    };
    const yaml = [
      "app: ${APP_NAME}",
      "url: ${CH_URL}",
      "user: ${CH_USER}",
      "password: ${CH_PASSWORD}",
      "database: maintenance_cfg",
      "heartbeat:",
      "  table: heartbeats",
      "  period: ${BEAT_PERIOD:-15}",
      "logging:",
      "  table: logs",
      "  level: warning",
      "  console: false",
    ].join("\n");
    try {
      const fromYaml = tuskYaml.forYaml(yaml, { env });
      await fromYaml.stop();
      const fromObject = tuskYaml.forConfig({
        app: "object_app",
        url: "${CH_URL}",
        user: "${CH_USER}",
        password: "${CH_PASSWORD}",
        database: "maintenance_cfg",
        heartbeat: { table: "heartbeats" },
        logging: { table: "logs", console: false },
      }, { env });
      await fromObject.stop();
      await tusk.flush();
      await waitFor(async () => {
        const rows = await selectRows(
          engine,
          "SELECT app FROM maintenance_cfg.heartbeats ORDER BY app",
        );
        return rows.length === 2;
      }, "two main beats");
      const beats = await selectRows(
        engine,
        "SELECT app, task, sequence FROM maintenance_cfg.heartbeats ORDER BY app",
      );
      assert.deepEqual(beats, [
        { app: "object_app", task: "main", sequence: 0 },
        { app: "yaml_app", task: "main", sequence: 0 },
      ]);
    } finally {
      await tusk.close();
      await sql(engine, "DROP DATABASE IF EXISTS maintenance_cfg");
    }
  },
);

forEachEngine(
  "forConfig() a second time replaces the first: one loop, one console wrapper",
  async (engine) => {
    await maintenanceTables(engine, "maintenance_twice");
    const clock = new tusk.FakeClock(Date.UTC(2022, 2, 10, 8, 0, 0));
    const config = {
      app: "twice",
      url: engine.url,
      user: engine.user,
      password: engine.password,
      heartbeat: { database: "maintenance_twice", table: "heartbeats", period: 10 },
      logging: { database: "maintenance_twice", table: "logs" },
    };
    const original = console.warn;
    console.warn = () => {};
    try {
      tuskYaml.forConfig(config, { init: { clock } });
      const second = tuskYaml.forConfig(config, { init: { clock } });
      console.warn("once");
      await clock.tick(10_000);
      await second.stop();
      await tusk.flush();
      const beats = await selectRows<{ sequence: number }>(
        engine,
        "SELECT sequence FROM maintenance_twice.heartbeats ORDER BY sequence",
      );
      // init beats at once (twice: sequence 0 and 1 carry over), then one loop ticks once.
      assert.deepEqual(beats.map((b) => b.sequence), [0, 1, 2]);
      const logs = await selectRows(engine, "SELECT message FROM maintenance_twice.logs");
      assert.deepEqual(logs, [{ message: "once" }], "the console call was recorded once");
    } finally {
      console.warn = original;
      await tusk.close();
      await sql(engine, "DROP DATABASE IF EXISTS maintenance_twice");
    }
  },
);
