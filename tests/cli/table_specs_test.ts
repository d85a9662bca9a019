import assert from "node:assert/strict";
import { tableSpecs } from "../../src/cli/table_specs.ts";
import { UsageError } from "../../src/cli/usage_error.ts";
import { parseConfig } from "../../src/config/parse_config.ts";

Deno.test("tableSpecs() takes the config's tables, columns, ttl_days and cluster; --cluster wins", () => {
  const config = parseConfig({
    app: "a",
    database: "maintenance",
    heartbeat: { table: "beats", columns: { sequence: null }, create_table: { cluster: "a" } },
    logging: { database: "ops", table: "logs", create_table: { ttl_days: 3 } },
  });
  const specs = tableSpecs({}, config);
  assert.deepEqual(specs.map((s) => [s.database, s.table]), [["maintenance", "beats"], [
    "ops",
    "logs",
  ]]);
  const [hb, logs] = specs;
  assert.ok(hb && "spec" in hb && logs && "spec" in logs);
  assert.equal(hb.spec.cluster, "a");
  assert.deepEqual(hb.spec.kind === "heartbeats" && hb.spec.columns, { sequence: null });
  assert.equal(logs.spec.ttlDays, 3);
  assert.equal(logs.spec.cluster, undefined);
  const withFlag = tableSpecs({ cluster: "b" }, config);
  assert.deepEqual(withFlag.map((s) => "spec" in s && s.spec.cluster), ["b", "b"]);
});

Deno.test("tableSpecs() leaves out an otel log table and needs a table", () => {
  const config = parseConfig({ app: "a", logging: { table: "otel_logs", layout: "otel" } });
  assert.deepEqual(tableSpecs({}, config), [{
    database: "default",
    table: "otel_logs",
    skipped: 'layout "otel": make it with otelLogsTableDdl()',
  }]);
  assert.throws(() => tableSpecs({}, undefined), UsageError);
});
