import assert from "node:assert/strict";
import type { StatusReport } from "../../src/cli/query_status.ts";
import { overdueCount, renderStatus } from "../../src/cli/render_status.ts";
import { statusJson } from "../../src/cli/status_json.ts";

const NOW = Date.UTC(2026, 10, 30, 7, 40, 0) / 1000;
const REPORT: StatusReport = {
  now: NOW,
  heartbeats: {
    table: "maintenance.heartbeats",
    tasks: [
      { app: "billing", task: "main", lastBeat: NOW - 1000, expiry: NOW - 935, overdue: true },
      { app: "my_app", task: "main", lastBeat: NOW - 20, expiry: NOW + 45, overdue: false },
    ],
    gaps: [{ app: "my_app", task: "main", lastBeforeGap: 2, firstAfterGap: 6, missing: 3 }],
  },
  logs: {
    table: "maintenance.logs",
    apps: [{ app: "my_app", count: 2, newestAt: NOW - 100, newestMessage: "Disk full\nat x" }],
  },
};

Deno.test("renderStatus() lists tasks with OVERDUE, gaps, errors and a summary", () => {
  const text = renderStatus(REPORT);
  assert.match(text, /server time 2026-11-30 07:40:00 UTC/);
  assert.match(
    text,
    /billing\s+main\s+2026-11-30 07:23:20 \(16m40s ago\)\s+\S+ \S+\s+OVERDUE for 15m35s/,
  );
  assert.match(text, /my_app\s+main\s+.*ok, 45s left/);
  assert.match(text, /my_app\s+main\s+2 -> 6\s+3/);
  assert.match(text, /my_app\s+2\s+2026-11-30 07:38:20\s+Disk full\n/);
  assert.match(
    text,
    /1 of 2 tasks OVERDUE; 3 beats lost in the last day; 2 errors in the last hour\.\n$/,
  );
  assert.ok(!text.includes("\x1b"), "no colour codes");
});

Deno.test("renderStatus() colours only when asked, keeping the columns aligned", () => {
  const plain = renderStatus(REPORT).split("\n");
  const coloured = renderStatus(REPORT, { color: true });
  assert.ok(coloured.includes("\x1b[31mOVERDUE for 15m35s\x1b[0m"), "OVERDUE in red");
  // deno-lint-ignore no-control-regex -- removing the colour codes
  assert.deepEqual(coloured.replace(/\x1b\[\d+m/g, "").split("\n"), plain);
});

Deno.test("renderStatus() says when there is nothing to show", () => {
  const text = renderStatus({ now: NOW, heartbeats: { table: "t", tasks: [], gaps: [] } });
  assert.match(text, /\(no beats yet\)/);
  assert.match(text, /all 0 tasks beating\./);
});

Deno.test("statusJson() gives ok, the overdue count and ISO times", () => {
  const json = JSON.parse(statusJson(REPORT));
  assert.equal(json.ok, false);
  assert.equal(json.overdue, overdueCount(REPORT));
  assert.equal(json.now, "2026-11-30T07:40:00.000Z");
  assert.deepEqual(json.heartbeats.tasks[1], {
    app: "my_app",
    task: "main",
    lastBeat: "2026-11-30T07:39:40.000Z",
    expiry: "2026-11-30T07:40:45.000Z",
    overdue: false,
  });
  assert.equal(json.logs.apps[0].newestAt, "2026-11-30T07:38:20.000Z");
});
