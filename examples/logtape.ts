/**
 * LogTape with a ClickHouse sink: records of the `my_app` category become
 * rows of the log table `./logging` writes (see the README for its DDL; add
 * `properties Map(LowCardinality(String), String)` to keep every property).
 * Connects to `CLICKHOUSE_URL` as `CLICKHOUSE_USER` / `CLICKHOUSE_PASSWORD`
 * and writes into `LOGS_TABLE` (default `maintenance.logs`).
 *
 * @module
 */
import { configure, dispose, getConsoleSink, getLogger } from "@logtape/logtape";
import * as tusk from "@tusk/clickhouse";
import { getClickHouseSink } from "@tusk/clickhouse/logtape";

tusk.init({
  url: Deno.env.get("CLICKHOUSE_URL") ?? "http://localhost:8123",
  user: Deno.env.get("CLICKHOUSE_USER") ?? "default",
  password: Deno.env.get("CLICKHOUSE_PASSWORD") ?? "",
});

await configure({
  sinks: {
    console: getConsoleSink(),
    clickhouse: getClickHouseSink({
      table: Deno.env.get("LOGS_TABLE") ?? "maintenance.logs",
      appName: "my_app",
    }),
  },
  loggers: [
    { category: "my_app", lowestLevel: "info", sinks: ["console", "clickhouse"] },
    { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
  ],
});

const logger = getLogger(["my_app", "checkout"]);
logger.info("Order {orderId} paid by {user}", { orderId: 42, user: "alice", requestId: "r-1" });
logger.warn`Stock of ${"pear"} is low`;
try {
  throw new RangeError("card declined");
} catch (error) {
  logger.error("Payment failed", error as Error); // error and stacktrace columns
}

await dispose(); // LogTape disposes of its sinks: the ClickHouse sink delivers every row
await tusk.close();
