// Cost of one log call, all the way into the buffer (level check, caller capture, row building,
// encoding for the log table's schema, buffering), against pino logging the same message to a
// no-op destination (pino's own work: JSON line building). `logger.info()` and an intercepted
// `console.log` (whose original is a no-op here, so nothing prints), each with and without the
// stack capture behind the `logger` and `line` columns.
// Run: deno bench -A bench/logging_bench.ts  (npm run bench runs it and writes BENCHMARKS.md)

import pino from "pino";
import * as tusk from "../mod.ts";
import * as logging from "../src/logging/mod.ts";
import { captureCaller } from "../src/logging/caller.ts";
import { fakeServer, initHoldingClient } from "./_fake_server.ts";
import { LOG_COLUMNS } from "./_rows.ts";

const TABLES = ["capture", "plain", "console_capture", "console_plain", "filtered"];
const server = fakeServer(Object.fromEntries(TABLES.map((t) => [`bench.${t}`, LOG_COLUMNS])));
initHoldingClient(server);
await Promise.all(
  TABLES.map((t) => tusk.metric({ table: `bench.${t}`, clientName: "bench" }).ready()),
);

// Only one logging init is active at a time: each bench starts its own on its first call.
let active = "";
function activate(table: string, options: Partial<logging.LoggingOptions> = {}): () => void {
  return () => {
    if (active === table) return;
    // `deno bench` gives every bench its own console: make its methods print nothing, so an
    // intercepted console.log costs only Tusk's part.
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      console[method] = () => {};
    }
    logging.init({
      table: `bench.${table}`,
      appName: "my_app",
      clientName: "bench",
      ...options,
    });
    active = table;
  };
}
const NO_CAPTURE = { columns: { logger: null, line: null } };

// The same count of iterations for every log call, so each buffers as many rows.
const RUN = { group: "log", n: 300_000, warmup: 30_000 };

let sink = 0;
const destination = {
  write(line: string): void {
    sink += line.length;
  },
};
const pinoLogger = pino({}, destination);
Deno.bench("pino: logger.info(), no-op destination", { ...RUN, baseline: true }, () => {
  pinoLogger.info("Hello world!");
});

// For scale, not a target: pino as an application would run it, through its own buffered
// destination (sonic-boom, asynchronous) to /dev/null.
const pinoToFile = pino({}, pino.destination({ dest: "/dev/null", sync: false, minLength: 4096 }));
Deno.bench("pino: logger.info(), pino.destination() to /dev/null", RUN, () => {
  pinoToFile.info("Hello world!");
});

// For scale: the floor of any writer of such a row (no schema check, nothing kept).
const logRow = {
  category: "",
  host: "bench-host",
  app: "my_app",
  datetime: 1_700_000_000_123,
  level: 4,
  error: "",
  message: "Hello world!",
  stacktrace: "",
};
Deno.bench("JSON.stringify of the log row", RUN, () => {
  sink += JSON.stringify(logRow).length;
});

const plain = activate("plain", NO_CAPTURE);
const plainLogger = logging.getLogger("bench");
Deno.bench("logger.info(), no file/line capture", RUN, () => {
  plain();
  plainLogger.info("Hello world!");
});

const capture = activate("capture");
const captureLogger = logging.getLogger("bench");
Deno.bench("logger.info(), file/line capture", RUN, () => {
  capture();
  captureLogger.info("Hello world!");
});

const consolePlain = activate("console_plain", NO_CAPTURE);
Deno.bench("intercepted console.log, no file/line capture", RUN, () => {
  consolePlain();
  console.log("Hello world!");
});

const consoleCapture = activate("console_capture");
Deno.bench("intercepted console.log, file/line capture", RUN, () => {
  consoleCapture();
  console.log("Hello world!");
});

// For scale: what capture costs the engine before Tusk reads anything (one frame, not formatted).
const stackApi = Error as unknown as {
  stackTraceLimit: number;
  captureStackTrace(holder: object, above?: () => void): void;
};
function captureOneFrame(): void {
  const holder = {};
  const limit = stackApi.stackTraceLimit;
  stackApi.stackTraceLimit = 1;
  stackApi.captureStackTrace(holder, captureOneFrame);
  stackApi.stackTraceLimit = limit;
}
Deno.bench("Error.captureStackTrace, 1 frame, unread (engine cost alone)", RUN, () => {
  captureOneFrame();
});

// The whole capture a log call makes: one frame, its file and line read.
function findCaller(): unknown {
  const found = captureCaller(findCaller);
  return found;
}
Deno.bench("captureCaller(): 1 frame, file and line read", RUN, () => {
  findCaller();
});

const filtered = activate("filtered", { level: "warning" });
const filteredLogger = logging.getLogger("bench");
Deno.bench("logger.debug() below the level", RUN, () => {
  filtered();
  filteredLogger.debug("Hello world!");
});

globalThis.addEventListener("unload", () => {
  if (sink < 0) console.log(sink, server.requests);
});
