/**
 * The original README's summing counter, in TypeScript: counts quota usage per
 * resource and requester into `download.quota_usage` (see
 * the README for the table). Connects to `CLICKHOUSE_URL` as
 * `CLICKHOUSE_USER` / `CLICKHOUSE_PASSWORD`.
 *
 * @module
 */
import * as tusk from "@tusk/clickhouse";
import { counter } from "@tusk/clickhouse/counter";

tusk.init({
  url: Deno.env.get("CLICKHOUSE_URL") ?? "http://localhost:8123",
  user: Deno.env.get("CLICKHOUSE_USER") ?? "default",
  password: Deno.env.get("CLICKHOUSE_PASSWORD") ?? "",
});

const quota = counter({ table: "download.quota_usage" }); // countColumn: the first Int*/UInt* column

quota.count({ resource_id: "ABC111", requester_ip: "1.2.3.4" }); // default count is 1
quota.count({ resource_id: "ABC122", requester_ip: "2.2.2.4" }, 3);
quota.count({ resource_id: "ABC111", requester_ip: "1.2.3.4" }, 4); // the new count is 1 + 4 = 5
quota.count({ resource_id: "ABC122", requester_ip: "1.2.3.4" }, 2);

await tusk.close(); // writes the pending sums, waits for ClickHouse, stops the timers
