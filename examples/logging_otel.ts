// Logs in the OpenTelemetry layout: rows of the OpenTelemetry Collector ClickHouse exporter's
// otel_logs table, which ClickStack/HyperDX and Grafana's ClickHouse log views read. Connects to
// CLICKHOUSE_URL (CLICKHOUSE_USER, CLICKHOUSE_PASSWORD); OTEL_LOGS_TABLE names the table, which
// must exist: otelLogsTableDdl() returns its CREATE TABLE. Run: deno run -A examples/logging_otel.ts
import * as tusk from "@tusk/clickhouse";
import * as logging from "@tusk/clickhouse/logging";

tusk.init({
  url: Deno.env.get("CLICKHOUSE_URL") ?? "http://localhost:8123",
  user: Deno.env.get("CLICKHOUSE_USER") ?? "default",
  password: Deno.env.get("CLICKHOUSE_PASSWORD") ?? "",
});
logging.init({
  table: Deno.env.get("OTEL_LOGS_TABLE") ?? "otel_logs",
  appName: "my_app",
  layout: "otel",
});

const logger = logging.getLogger("checkout");
logger.info("Hello world!");
logger.warning("Disk %s at %d%%", "/var", 91, { disk: "/var" });
try {
  throw new RangeError("Guess what?");
} catch (error) {
  logger.exception("Oh no!", error, { orderId: "A-17" });
}
console.error("Printed, and logged too.");

await tusk.close();
