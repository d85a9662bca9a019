// The original README's logging example in TypeScript.
// Run: CLICKHOUSE_URL=http://localhost:8123 deno run -A examples/logging.ts
// Needs the log table: see logsTableDdl() / docs (LOGS_TABLE picks another table).
import * as tusk from "../mod.ts";
import * as logging from "../src/logging/mod.ts";

tusk.init({
  url: Deno.env.get("CLICKHOUSE_URL") ?? "http://localhost:8123",
  user: Deno.env.get("CLICKHOUSE_USER") ?? "default",
  password: Deno.env.get("CLICKHOUSE_PASSWORD") ?? "",
});

const logger = logging.getLogger();
logging.init({ table: Deno.env.get("LOGS_TABLE") ?? "maintenance.logs", appName: "my_app" });

logger.info("Hello world!");
logger.warning("Fire drill test.");
logger.error("This is real fire.");
try {
  throw new RangeError("Guess what?");
} catch (error) {
  logger.exception("Oh no!", error);
}
logger.critical("I give up.");

await tusk.close();
