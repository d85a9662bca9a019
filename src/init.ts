import { allClients, clientSlot } from "./client/registry.ts";
import { type InitOptions, resolveOptions } from "./client/options.ts";
import type { TuskClient } from "./client/tusk_client.ts";
import { onTerminationSignal } from "./runtime/signal_hook.ts";

let signalFlushMs: number | undefined; // the longest `closeTimeout` of the clients that opted in

/**
 * Creates (or replaces) a named connection to ClickHouse and returns it.
 * Replacing keeps every buffered row. No request is made until rows are sent.
 *
 * @param options Where to connect and how to batch; all optional.
 * @returns The client.
 * @throws {TypeError} Naming each bad option.
 *
 * @example
 * ```ts
 * import * as tusk from "@tusk/clickhouse";
 * tusk.init({ host: "localhost", user: "tester", password: "P@assw0rd" });
 * ```
 */
export function init(options: InitOptions = {}): TuskClient {
  const resolved = resolveOptions(options);
  const client = clientSlot(resolved.clientName);
  client.configure(resolved);
  if (options.flushOnSignals) installSignalFlush(resolved.closeTimeoutMs);
  return client.client;
}

// Opt-in (`flushOnSignals`): SIGINT/SIGTERM end the process without the exit
// hook running, so flush first, bounded by the longest `closeTimeout` given.
function installSignalFlush(timeoutMs: number): void {
  const installed = signalFlushMs !== undefined;
  signalFlushMs = Math.max(signalFlushMs ?? 0, timeoutMs);
  if (installed) return;
  onTerminationSignal(async () => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flushes = allClients().filter((c) => c.configured).map((c) => c.flush().catch(() => {}));
    await Promise.race([
      Promise.all(flushes),
      new Promise((resolve) => (timer = setTimeout(resolve, signalFlushMs))),
    ]);
    clearTimeout(timer);
  });
}
