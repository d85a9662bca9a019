// The built `./yaml` entry point reads a YAML file from disk in Node (node:fs, loaded on demand)
// and starts heartbeats and logging into each engine.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { countRows, dropDatabase, freshDatabase, testEngines } from "../_shared/engines.mjs";

const tusk = await import("../../../dist/mod.js");
const logging = await import("../../../dist/logging.js");
const tuskYaml = await import("../../../dist/yaml.js");

for (const engine of testEngines()) {
  describe(`Node ./yaml [${engine.name}]`, () => {
    test("forYamlFile() starts heartbeats and logging from the original's YAML keys", async () => {
      const db = await freshDatabase(engine, "node_yaml");
      const dir = mkdtempSync(join(tmpdir(), "tusk-yaml-"));
      const file = join(dir, "tusk.yml");
      writeFileSync(
        file,
        [
          "app: 'yaml_app'",
          `url: '${engine.url}'`,
          `user: '${engine.user}'`,
          "password: '${TUSK_YAML_PASSWORD}'",
          `heartbeat: { database: '${db}', table: 'heartbeats' }`,
          `logging: { database: '${db}', table: 'logs', console: false }`,
          "",
        ].join("\n"),
      );
      process.env.TUSK_YAML_PASSWORD = engine.password;
      try {
        const setup = await tuskYaml.forYamlFile(file);
        logging.getLogger().info("configured from YAML");
        await setup.stop();
        await tusk.flush();
        assert.equal(await countRows(engine, `${db}.heartbeats`, "task = 'main'"), 1);
        assert.equal(await countRows(engine, `${db}.logs`, "message = 'configured from YAML'"), 1);
        console.log(`[node] ${engine.name}: YAML file -> 1 beat and 1 log row read back`);
        await tusk.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await dropDatabase(engine, db);
      }
    });
  });
}
