import type { StatusReport } from "./query_status.ts";

/** How the table is drawn. */
export interface RenderOptions {
  /** ANSI colours (a terminal). @default {false} */
  color?: boolean;
}

// deno-lint-ignore no-control-regex -- the escape that starts a colour code
const ANSI = /\x1b\[\d+m/g;

type Paint = (code: number, text: string) => string;

/**
 * Draws a status report as text tables: heartbeats (OVERDUE where the
 * expiry has passed), gaps in sequences, and recent errors per app, then one
 * summary line. Times are UTC, with how long ago by the server's clock.
 *
 * @param report What `queryStatus` found.
 * @param options Colours or not.
 * @returns The text, ending with a newline.
 *
 * @example
 * ```ts
 * import { renderStatus } from "./render_status.ts";
 * console.log(renderStatus({ now: 0 }));
 * ```
 */
export function renderStatus(report: StatusReport, options: RenderOptions = {}): string {
  const paint: Paint = options.color ? (code, text) => `\x1b[${code}m${text}\x1b[0m` : (_, t) => t;
  const out: string[] = [];
  const now = report.now;
  const hb = report.heartbeats;
  if (hb) {
    out.push(paint(1, `Heartbeats in ${hb.table}`) + ` (server time ${utc(now)} UTC)`);
    const rows = hb.tasks.map((t) => [
      t.app,
      t.task,
      `${utc(t.lastBeat)} (${span(now - t.lastBeat)} ago)`,
      t.expiry === null ? "-" : utc(t.expiry),
      t.expiry === null
        ? "no expiry column"
        : t.overdue
        ? paint(31, `OVERDUE for ${span(now - t.expiry)}`)
        : paint(32, `ok, ${span(t.expiry - now)} left`),
    ]);
    out.push(...table(["APP", "TASK", "LAST BEAT", "EXPIRY", "STATUS"], rows, "no beats yet"));
    out.push("", paint(1, "Gaps in sequence, last 24 h"));
    const gaps = hb.gaps.map((g) => [
      g.app,
      g.task,
      `${g.lastBeforeGap} -> ${g.firstAfterGap}`,
      paint(33, String(g.missing)),
    ]);
    out.push(...table(["APP", "TASK", "BETWEEN", "MISSING"], gaps, "none"));
  }
  if (report.logs) {
    if (hb) out.push("");
    out.push(paint(1, `Errors and critical logs in ${report.logs.table}, last hour`));
    const rows = report.logs.apps.map((a) => [
      a.app,
      paint(33, String(a.count)),
      utc(a.newestAt),
      oneLine(a.newestMessage),
    ]);
    out.push(...table(["APP", "COUNT", "NEWEST", "NEWEST MESSAGE"], rows, "none"));
  }
  out.push("", summary(report, paint));
  return out.join("\n") + "\n";
}

/**
 * Counts the overdue tasks of a report.
 *
 * @param report What `queryStatus` found.
 * @returns How many app tasks are overdue.
 *
 * @example
 * ```ts
 * import { overdueCount } from "./render_status.ts";
 * overdueCount({ now: 0 }); // 0
 * ```
 */
export function overdueCount(report: StatusReport): number {
  return report.heartbeats?.tasks.filter((t) => t.overdue).length ?? 0;
}

function summary(report: StatusReport, paint: Paint): string {
  const parts: string[] = [];
  const tasks = report.heartbeats?.tasks.length;
  const overdue = overdueCount(report);
  if (tasks !== undefined) {
    parts.push(
      overdue > 0
        ? paint(31, `${overdue} of ${tasks} tasks OVERDUE`)
        : paint(32, `all ${tasks} tasks beating`),
    );
    const missing = report.heartbeats!.gaps.reduce((sum, g) => sum + g.missing, 0);
    if (missing > 0) parts.push(paint(33, `${missing} beats lost in the last day`));
  }
  if (report.logs) {
    const errors = report.logs.apps.reduce((sum, a) => sum + a.count, 0);
    parts.push(errors > 0 ? paint(33, `${errors} errors in the last hour`) : "no errors");
  }
  return parts.join("; ") + ".";
}

// Pads by visible width: colour codes take no room on a terminal.
function table(head: string[], rows: string[][], empty: string): string[] {
  if (rows.length === 0) return [`  (${empty})`];
  const width = (s: string) => s.replace(ANSI, "").length;
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
  const line = (cells: string[]) =>
    "  " +
    cells.map((c, i) => i === cells.length - 1 ? c : c + " ".repeat(widths[i]! - width(c))).join(
      "  ",
    );
  return [line(head), ...rows.map(line)];
}

function utc(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace("T", " ");
}

function span(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  if (s < 86400) {
    return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, "0")}m`;
  }
  return `${Math.floor(s / 86400)}d${String(Math.floor(s / 3600) % 24).padStart(2, "0")}h`;
}

function oneLine(message: string): string {
  const first = message.split("\n")[0]!;
  return first.length > 80 ? first.slice(0, 79) + "…" : first;
}
