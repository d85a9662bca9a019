import type { StatusReport } from "./query_status.ts";
import { overdueCount } from "./render_status.ts";

/**
 * A status report for machines: `ok` (nothing overdue), the overdue count,
 * and every section of the report with times as ISO 8601 UTC strings.
 *
 * @param report What `queryStatus` found.
 * @returns The JSON text, ending with a newline.
 *
 * @example
 * ```ts
 * import { statusJson } from "./status_json.ts";
 * JSON.parse(statusJson({ now: 0 })).ok; // true
 * ```
 */
export function statusJson(report: StatusReport): string {
  const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
  const overdue = overdueCount(report);
  const hb = report.heartbeats;
  const logs = report.logs;
  return JSON.stringify(
    {
      ok: overdue === 0,
      overdue,
      now: iso(report.now),
      ...(hb && {
        heartbeats: {
          table: hb.table,
          tasks: hb.tasks.map((t) => ({
            app: t.app,
            task: t.task,
            lastBeat: iso(t.lastBeat),
            expiry: t.expiry === null ? null : iso(t.expiry),
            overdue: t.overdue,
          })),
          gaps: hb.gaps,
        },
      }),
      ...(logs && {
        logs: {
          table: logs.table,
          apps: logs.apps.map((a) => ({ ...a, newestAt: iso(a.newestAt) })),
        },
      }),
    },
    null,
    2,
  ) + "\n";
}
