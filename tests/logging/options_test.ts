import assert from "node:assert/strict";
import { resolveLoggingOptions } from "../../src/logging/options.ts";

Deno.test("resolveLoggingOptions() takes createTable as a boolean or { ttlDays }", () => {
  const created = (createTable: unknown) =>
    resolveLoggingOptions({ table: "maintenance.logs", createTable }).createTable;
  assert.equal(created(undefined), undefined);
  assert.equal(created(false), undefined);
  assert.deepEqual(created(true), {});
  assert.deepEqual(created({ ttlDays: 30 }), { ttlDays: 30 });
  for (const bad of ["yes", { ttlDays: -1 }, { days: 3 }]) {
    assert.throws(
      () => created(bad),
      (e: unknown) =>
        e instanceof TypeError && /^Cannot start logging: .*createTable/.test(e.message),
      JSON.stringify(bad),
    );
  }
});

Deno.test("resolveLoggingOptions() refuses createTable with layout otel, naming otelLogsTableDdl", () => {
  assert.throws(
    () => resolveLoggingOptions({ table: "otel_logs", layout: "otel", createTable: true }),
    /Cannot start logging: option "createTable" is for layout "tusk"; create the otel_logs table with otelLogsTableDdl\(\)/,
  );
});
