import type { CliIo } from "./cli_io.ts";
import { statusCommand } from "./status_command.ts";
import { tablesCommand } from "./tables_command.ts";
import { UsageError } from "./usage_error.ts";

/** `--help` of the command line itself. */
export const MAIN_HELP = `Usage: tusk <command> [options]

Commands:
  status    per app and task: last beat, expiry, OVERDUE; sequence gaps; recent errors
  tables    print the CREATE statements of the config's tables; --apply runs them

Run "tusk <command> --help" for a command's options.
Connection: --config example.yml, or --url/--user/--password, or the
CLICKHOUSE_URL, CLICKHOUSE_USER and CLICKHOUSE_PASSWORD environment variables.
`;

const COMMANDS: Record<string, (args: readonly string[], io: CliIo) => Promise<number>> = {
  status: statusCommand,
  tables: tablesCommand,
};

/**
 * Runs the command line: picks the command, runs it, and turns a usage or
 * connection problem into one line on standard error and exit code 2.
 *
 * @param io The runtime (arguments, environment, output).
 * @returns The exit code: 0 all is well, 1 something is overdue (`status`) or a
 *   table lacks columns (`tables`), 2 bad usage or no connection.
 *
 * @example
 * ```ts ignore
 * import { processIo } from "./cli_io.ts";
 * import { main } from "./main.ts";
 * const code = await main(processIo());
 * ```
 */
export async function main(io: CliIo): Promise<number> {
  const [command, ...rest] = io.args;
  try {
    if (command === undefined || command === "-h" || command === "--help" || command === "help") {
      io.out(MAIN_HELP);
      return command === undefined ? 2 : 0;
    }
    const run = COMMANDS[command];
    if (run === undefined) {
      throw new UsageError(
        `Unknown command "${command}": use one of ${Object.keys(COMMANDS).join(", ")} (see --help)`,
      );
    }
    return await run(rest, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`tusk: ${error.message}\n`);
    return 2;
  }
}
