// Cost of one logger.info() call into a known schema, with and without the
// stack capture behind the logger/line columns, against JSON.stringify of a
// similar row. Run: deno bench bench/logging_bench.ts
import { clientSlot } from "../src/client/registry.ts";
import * as logging from "../src/logging/mod.ts";

// Engine-free: the writer's write() is replaced by a counter, so the figures
// are the logging layer's own (level check, caller, row building).
// Only one logging init is active at a time, so each bench starts its own
// when it is not the active one (a string comparison per iteration).
let active = "";
function quietLogger(
  clientName: string,
  options: Partial<logging.LoggingOptions>,
): () => logging.Logger {
  const writer = clientSlot(clientName).writer({
    database: "db",
    tableName: clientName,
    timeColumn: undefined,
  });
  (writer as unknown as { write: (row: unknown) => void }).write = () => void sink++;
  const logger = logging.getLogger(clientName);
  return () => {
    if (active !== clientName) {
      logging.init({
        table: `db.${clientName}`,
        appName: "my_app",
        clientName,
        console: false,
        ...options,
      });
      active = clientName;
    }
    return logger;
  };
}

let sink = 0;
const row = {
  app: "my_app",
  level: 4,
  logger: "example.ts",
  line: 7,
  error: "",
  message: "Hello world!",
  stacktrace: "",
};

Deno.bench("JSON.stringify of a log row (baseline)", { group: "log", baseline: true }, () => {
  sink += JSON.stringify(row).length;
});

const withCaller = quietLogger("bench_caller", {});
Deno.bench("logger.info(), logger and line columns on (stack capture)", { group: "log" }, () => {
  withCaller().info("Hello world!");
});

const noCaller = quietLogger("bench_plain", { columns: { logger: null, line: null } });
Deno.bench("logger.info(), logger and line columns off", { group: "log" }, () => {
  noCaller().info("Hello world!");
});

const filtered = quietLogger("bench_filtered", { level: "warning" });
Deno.bench("logger.debug() below the level", { group: "log" }, () => {
  filtered().debug("Hello world!");
});

globalThis.addEventListener("unload", () => {
  if (sink < 0) console.log(sink);
});
