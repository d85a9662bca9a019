import { quoteIdentifier } from "../transport/quote.ts";

/** Options of {@linkcode logsTableDdl}. */
export interface LogsTableOptions {
  /**
   * Use `DateTime64(3)` and a TTL; `false` for servers without them (18.x):
   * `DateTime` (whole seconds), no TTL.
   * @default {true}
   */
  modern?: boolean;
  /**
   * Days rows are kept (modern servers only); `0` for no TTL.
   * @default {7}
   */
  ttlDays?: number;
}

/**
 * The `CREATE TABLE` statement of a log table with the columns logging writes,
 * plus `category` and `host`, which Tusk fills from the `TUSK_CATEGORY` and
 * `TUSK_HOST` environment variables. It fixes the original README's DDL,
 * whose `ORDER BY` named those two columns without defining them.
 *
 * @param table `"db.table"`.
 * @param options Server generation and retention.
 * @returns The statement.
 *
 * @example
 * ```ts
 * import { logsTableDdl } from "@tusk/clickhouse/logging";
 * console.log(logsTableDdl("maintenance.logs"));
 * ```
 */
export function logsTableDdl(table: string, options: LogsTableOptions = {}): string {
  const modern = options.modern ?? true;
  const ttlDays = options.ttlDays ?? 7;
  const name = table.split(".").map(quoteIdentifier).join(".");
  return [
    `CREATE TABLE IF NOT EXISTS ${name}`,
    "(",
    "    `category` String,",
    "    `host` String,",
    "    `app` String,",
    `    \`datetime\` ${modern ? "DateTime64(3)" : "DateTime"},`,
    "    `level` Int8,",
    "    `logger` String,",
    "    `line` UInt32,",
    "    `error` String,",
    "    `message` String,",
    "    `stacktrace` String",
    ")",
    "ENGINE = MergeTree()",
    "ORDER BY (`category`, `host`, `app`, `datetime`, `level`, `logger`, `line`, `error`)" +
    (modern && ttlDays > 0 ? `\nTTL toDateTime(datetime) + INTERVAL ${ttlDays} DAY DELETE` : ""),
  ].join("\n");
}
