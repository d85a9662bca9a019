import { TuskError } from "../errors.ts";
import { readEnv } from "../runtime/env.ts";
import { onProcessExit } from "../runtime/exit_hook.ts";
import { ClientCore } from "./client_core.ts";
import type { TuskClient } from "./tusk_client.ts";

const clients = new Map<string, ClientCore>();
let appName: string | undefined;
let exitHookInstalled = false;

/**
 * The client of that name, made unconfigured if it does not exist yet, so that
 * metrics can be created (and written) before `init()`.
 *
 * @param name The client's name.
 * @returns The client.
 */
export function clientSlot(name: string): ClientCore {
  let client = clients.get(name);
  if (client === undefined) {
    client = new ClientCore(name);
    clients.set(name, client);
    installExitHook();
  }
  return client;
}

/**
 * Every client, configured or not.
 *
 * @returns The clients.
 */
export function allClients(): ClientCore[] {
  return [...clients.values()];
}

/**
 * Returns the client made by `init()` under that name.
 *
 * @param name The client's name.
 * @default {"default"}
 * @returns The client, or `undefined` when `init()` was not called for it.
 *
 * @example
 * ```ts
 * import { getClient } from "@tusk/clickhouse";
 * const client = getClient();
 * if (client === undefined) console.log("call init() first");
 * ```
 */
export function getClient(name = "default"): TuskClient | undefined {
  const client = clients.get(name);
  return client?.configured ? client.client : undefined;
}

/**
 * Sets the app name that heartbeats and logging write.
 *
 * @param name The app's name.
 * @throws {TypeError} When `name` is empty.
 *
 * @example
 * ```ts
 * import { setAppName } from "@tusk/clickhouse";
 * setAppName("my_app");
 * ```
 */
export function setAppName(name: string): void {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(
      `Cannot set the app name: expected a non-empty string, got ${JSON.stringify(name)}`,
    );
  }
  appName = name;
}

/**
 * The app name: `setAppName`'s, else the `app` or `APP` environment variable.
 *
 * @param env A record used instead of the process environment.
 * @param who What needs it, for the error, e.g. `heartbeat.init()`.
 * @returns The app name.
 * @throws {TuskError} When none is set.
 */
export function requireAppName(
  env: Readonly<Record<string, unknown>> | undefined,
  who: string,
): string {
  const name = appName ?? readEnv("app", env) ?? readEnv("APP", env);
  if (name === undefined || name === "") {
    throw new TuskError(
      `Cannot start ${who}: no app name; pass appName, call setAppName(), or set APP`,
    );
  }
  return name;
}

// When a Deno/Node/Bun program ends normally, each client holding rows makes
// a short, bounded attempt to deliver them (two tries within `closeTimeout`)
// and reports, per table, how many rows it gave up and why. The attempt
// releases the client, so the hook, which fires again once it is done, then
// finds nothing to do and the program ends.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  onProcessExit(() => {
    for (const client of allClients()) {
      if (client.configured && client.pending > 0) client.close(true).catch(() => {});
    }
  });
}
