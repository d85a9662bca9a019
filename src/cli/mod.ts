/**
 * Tusk's command line, for operators: `status` answers "is everything
 * alive?" from the heartbeat and log tables; `tables` prints (or with
 * `--apply` runs) the DDL of the tables a configuration names. Runs with Deno, and with Node or
 * Bun from the npm build.
 *
 * @example
 * ```sh
 * deno run -A jsr:@tusk/clickhouse/cli status --config example.yml
 * deno run -A jsr:@tusk/clickhouse/cli tables --config example.yml --apply
 * deno run -A jsr:@tusk/clickhouse/cli status --url http://localhost:8123 --heartbeats maintenance.heartbeats --json
 * ```
 *
 * @module
 */
import { exitProcess, processIo } from "./cli_io.ts";
import { main } from "./main.ts";

exitProcess(await main(processIo()));
