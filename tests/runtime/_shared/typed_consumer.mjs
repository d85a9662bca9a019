// The TypeScript program of the npm consumer project: it imports every entry point of
// `@tusk/clickhouse` by its package name, writes one row of each kind into a database, and holds
// misuses marked `@ts-expect-error`, so `tsc` fails if the declarations are missing (TS7016) or
// too loose to catch them (TS2578, an unused directive).
//
// The program has no Node types: `main.mjs` (plain JavaScript) reads the target from argv.

/** Source of `consumer.ts`; `logtape` adds the `./logtape` entry point and LogTape itself. */
export function consumerSource({ logtape }) {
  return `${CORE_IMPORTS}${logtape ? LOGTAPE_IMPORTS : ""}
/** Where to write: an engine's URL and credentials, and a database holding the tables. */
export interface Target {
  url: string;
  user: string;
  password: string;
  database: string;
}

/** Writes a metric row, a count, beats and log rows through every entry point, then closes. */
export async function writeEveryEntryPoint(target: Target): Promise<Record<string, TableStats>> {
  const { url, user, password, database } = target;
  const setup: TuskSetup = forConfig({
    app: "typed_consumer",
    url,
    user,
    password,
    heartbeat: { database, table: "heartbeats" },
    logging: { database, table: "logs", console: false },
  });
  const disposable: AsyncDisposable = setup;

  const cpu: tusk.Metric = tusk.metric({ table: tusk.Table.fromString(\`\${database}.cpu\`) });
  cpu.write({ region: "Tokyo", instance_id: "ABC", usage: 0.43 });

  const quota: Counter = counter({ table: \`\${database}.quota\` });
  quota.count({ resource_id: "ABC111", requester_ip: "1.2.3.4" });
  quota.count({ requester_ip: "1.2.3.4", resource_id: "ABC111" }, 4);

  heartbeat.beat({ task: "typed_task", heartbeatPeriod: 60 });

  const logger: logging.Logger = logging.getLogger();
  logger.info("typed consumer");
  logger.exception("typed failure", new TypeError("boom"));
${logtape ? LOGTAPE_BODY : ""}
  await disposable[Symbol.asyncDispose]();
  await tusk.flush();
  const stats = tusk.stats();
  await tusk.close();
  return stats;
}

/** Never called: each line must be a type error, else tsc reports the unused directive. */
export function misuses(): void {
  // @ts-expect-error: port is a number
  tusk.init({ port: "8123" });
  // @ts-expect-error: the increment is a number
  counter({ table: "t" }).count({ a: "x" }, "4");
  // @ts-expect-error: a beat names its task
  heartbeat.beat({ heartbeatPeriod: 60 });
  // @ts-expect-error: loggers have no "verbose" method
  logging.getLogger().verbose("x");
  // @ts-expect-error: the source is a name
  forConfig({}, { source: 42 });
${logtape ? LOGTAPE_MISUSE : ""}}
`;
}

const CORE_IMPORTS = `import * as tusk from "@tusk/clickhouse";
import type { TableStats } from "@tusk/clickhouse";
import { type Counter, counter } from "@tusk/clickhouse/counter";
import * as heartbeat from "@tusk/clickhouse/heartbeat";
import * as logging from "@tusk/clickhouse/logging";
import { forConfig, type TuskSetup } from "@tusk/clickhouse/yaml";
`;

const LOGTAPE_IMPORTS = `import { configure, dispose, getLogger } from "@logtape/logtape";
import { getClickHouseSink } from "@tusk/clickhouse/logtape";
`;

const LOGTAPE_BODY = `
  await configure({
    sinks: {
      clickhouse: getClickHouseSink({ table: \`\${database}.logs\`, appName: "typed_consumer" }),
    },
    loggers: [
      { category: "typed_consumer", lowestLevel: "info", sinks: ["clickhouse"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: [] },
    ],
  });
  getLogger(["typed_consumer", "logtape"]).info("from LogTape {n}", { n: 1 });
  await dispose();
`;

const LOGTAPE_MISUSE = `  // @ts-expect-error: the sink needs its options
  getClickHouseSink(42);
`;
