import type { TuskConfig } from "../config/config_schema.ts";
import { Connection } from "../transport/connection.ts";
import { quoteIdentifier, quoteString } from "../transport/quote.ts";
import { columnNames, createDatabase } from "../tables/table_creator.ts";
import { alterStatements, missingColumns, planTable } from "../tables/table_statements.ts";
import type { CliIo } from "./cli_io.ts";
import { parseArgs } from "./parse_args.ts";
import { readConfig } from "./read_config.ts";
import { resolveServer, type ServerTarget } from "./resolve_target.ts";
import { serverError } from "./server_error.ts";
import { type PlannedSpec, tableSpecs } from "./table_specs.ts";
import { UsageError } from "./usage_error.ts";

/** `tables --help`. */
export const TABLES_HELP = `Usage: tusk tables [options]

Prints the CREATE statements of the tables a config names (the heartbeat and
logging tables) for the connected server's version; --apply runs them.

Options:
  --config <file>         a Tusk YAML file: connection, heartbeat and logging tables
  --url <url>             ClickHouse's HTTP URL (else CLICKHOUSE_URL, else the config)
  --user <name>           user (else the config, else CLICKHOUSE_USER, else "default")
  --password <secret>     password (else the config, else CLICKHOUSE_PASSWORD)
  --heartbeats <db.t>     the heartbeat table (instead of the config's)
  --logs <db.t>           the log table (instead of the config's)
  --cluster <name>        make them on this cluster of <remote_servers>: ON CLUSTER, a
                          Replicated* table <table>_local and a Distributed <table>
                          (else the config's create_table.cluster)
  --server-version <v>    print for this version (e.g. 18.16.1) without connecting
  --apply                 run the statements (CREATE DATABASE IF NOT EXISTS first)
  --timeout <seconds>     time limit of each query (default 10; ON CLUSTER waits longer)
  -h, --help              this text

Printed: SQL for clickhouse-client --multiquery; each statement ends with ";" and a
blank line, and a "-- " comment line names the table before its statements.
With --apply, one line per database and table: "created <name>", or "exists  <name>";
"lacks   <name>: ..." with the ALTER TABLE to run when a table lacks a column.
Nothing is ever dropped or altered; a second run changes nothing.

Exit code: 0 done, 1 a table lacks columns, 2 bad usage or no connection.
`;

const SPEC = {
  strings: [
    "config",
    "url",
    "user",
    "password",
    "heartbeats",
    "logs",
    "cluster",
    "server-version",
    "timeout",
  ],
  booleans: ["apply"],
};

/**
 * Runs `tables`: prints the DDL of the tables a configuration names, or
 * with `--apply` creates those that are missing.
 *
 * @param args The arguments after `tables`.
 * @param io The runtime.
 * @returns The exit code: 0 done, 1 a table lacks columns.
 * @throws {UsageError} For bad usage, a bad config, or a server that cannot be used.
 *
 * @example
 * ```ts ignore
 * import { processIo } from "./cli_io.ts";
 * import { tablesCommand } from "./tables_command.ts";
 * const code = await tablesCommand(["--config", "example.yml", "--apply"], processIo());
 * ```
 */
export async function tablesCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, SPEC, "tables");
  if (parsed.flags.has("help")) {
    io.out(TABLES_HELP);
    return 0;
  }
  const v = parsed.values;
  if (parsed.positionals.length > 0) {
    throw new UsageError(
      `Unexpected argument "${parsed.positionals[0]}" for "tables": see "tables --help"`,
    );
  }
  const timeout = Number(v.timeout ?? 10);
  if (!(timeout > 0)) {
    throw new UsageError(
      `Option "--timeout" needs a number of seconds above 0, not "${v.timeout}"`,
    );
  }
  if (v.cluster === "") throw new UsageError(`Option "--cluster" needs a cluster's name`);
  const apply = parsed.flags.has("apply");
  if (apply && v["server-version"] !== undefined) {
    throw new UsageError(
      `Options "--apply" and "--server-version" exclude each other: --apply uses the server's`,
    );
  }
  const config: TuskConfig | undefined = v.config === undefined
    ? undefined
    : await readConfig(v.config, io);
  const specs = tableSpecs(v, config);
  if (v["server-version"] !== undefined) {
    io.out(printDdl(specs, v["server-version"]));
    return 0;
  }
  const endpoints = v.url === undefined
    ? [config?.url ?? [], config?.shards ?? []].flat(2).length
    : 1;
  if (apply && endpoints > 1 && specs.some((s) => "spec" in s && s.spec.cluster === undefined)) {
    // As createTable: a table made on one endpoint only would be missing on the others.
    throw new UsageError(
      `The config lists ${endpoints} endpoints: give --cluster <name> (or create_table: ` +
        "{ cluster }) so that --apply makes the tables ON CLUSTER, on every node",
    );
  }
  const server = resolveServer(v, config, (name) => io.env(name));
  const connection = new Connection({
    ...server,
    database: "default",
    requestTimeoutMs: timeout * 1000,
    report: () => {},
  });
  const version = await serverVersion(connection, server);
  if (!apply) {
    io.out(printDdl(specs, version));
    return 0;
  }
  try {
    return await applyDdl(connection, specs, version, io);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw serverError(error, server, "check the config's tables and --cluster");
  }
}

async function serverVersion(connection: Connection, server: ServerTarget): Promise<string> {
  try {
    const [row] = await connection.select<{ version: string }>(
      "SELECT version() AS version",
      "Cannot reach ClickHouse",
    );
    return row!.version;
  } catch (error) {
    throw serverError(error, server, "check the server's log");
  }
}

/**
 * The DDL of the tables as SQL text: `CREATE DATABASE IF NOT EXISTS` for each
 * database, then per table a `-- ` comment and its statements, each ending
 * with `;` and a blank line.
 *
 * @param specs The tables.
 * @param version The server's version.
 * @returns The text.
 */
export function printDdl(specs: readonly PlannedSpec[], version: string): string {
  const lines = [`-- Tusk tables for ClickHouse ${version}`, ""];
  for (const [database, cluster] of databases(specs)) {
    lines.push(`${createDatabaseSql(database, cluster)};`, "");
  }
  for (const s of specs) {
    if ("skipped" in s) {
      lines.push(`-- ${s.database}.${s.table}: left out: ${s.skipped}`, "");
      continue;
    }
    const plan = planTable(s.spec, s, { version });
    const on = s.spec.cluster === undefined ? "" : ` on cluster ${s.spec.cluster}`;
    lines.push(`-- ${s.spec.kind}: ${s.database}.${s.table}${on}`);
    for (const statement of plan.statements) lines.push(`${statement.sql};`, "");
  }
  return lines.join("\n");
}

async function applyDdl(
  connection: Connection,
  specs: readonly PlannedSpec[],
  version: string,
  io: CliIo,
): Promise<number> {
  let lacking = 0;
  for (const [database, cluster] of databases(specs)) {
    const made = await createDatabase(connection, database, cluster);
    io.out(`${made ? "created" : "exists "} database ${database}${onCluster(cluster)}\n`);
  }
  for (const s of specs) {
    if ("skipped" in s) {
      io.out(`skipped ${s.database}.${s.table}: ${s.skipped}\n`);
      continue;
    }
    const plan = planTable(s.spec, s, { version });
    for (const statement of plan.statements) {
      const name = `${statement.database}.${statement.table}`;
      if (await tableExists(connection, statement.database!, statement.table)) {
        io.out(`exists  ${name}\n`);
        continue;
      }
      await connection.command(statement.sql, `Cannot create table "${name}"`);
      io.out(`created ${name}${onCluster(s.spec.cluster)}\n`);
    }
    const missing = missingColumns(plan, await columnNames(connection, s.database, s.table));
    if (missing.length > 0) {
      lacking++;
      const alter = alterStatements(plan, missing, s.spec.cluster).join("; ");
      io.out(
        `lacks   ${s.database}.${s.table}: no column ${
          missing.map(([n]) => `"${n}"`).join(", ")
        }: run ${alter}\n`,
      );
    }
  }
  return lacking > 0 ? 1 : 0;
}

function databases(specs: readonly PlannedSpec[]): Map<string, string | undefined> {
  const found = new Map<string, string | undefined>();
  for (const s of specs) {
    if ("spec" in s && !found.has(s.database)) found.set(s.database, s.spec.cluster);
  }
  return found;
}

function createDatabaseSql(database: string, cluster: string | undefined): string {
  return `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)}` +
    (cluster === undefined ? "" : ` ON CLUSTER ${quoteIdentifier(cluster)}`);
}

function onCluster(cluster: string | undefined): string {
  return cluster === undefined ? "" : ` on cluster ${cluster}`;
}

async function tableExists(connection: Connection, database: string, table: string) {
  const rows = await connection.select<{ name: string }>(
    `SELECT name FROM system.tables WHERE database = ${quoteString(database)}` +
      ` AND name = ${quoteString(table)}`,
    `Cannot look up table "${database}.${table}"`,
  );
  return rows.length > 0;
}
