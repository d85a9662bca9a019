import { allClients, clientSlot } from "./client/registry.ts";
import { type InitOptions, resolveOptions } from "./client/options.ts";
import type { TuskClient } from "./client/tusk_client.ts";
import { onTerminationSignal } from "./runtime/signal_hook.ts";

// The clients that flush on SIGINT/SIGTERM (`flushOnSignals`), with their `closeTimeout` in ms.
const signalFlushes = new Map<string, number>();
let removeSignalHook: (() => void) | undefined;

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
  setSignalFlush(resolved.clientName, options.flushOnSignals ?? true, resolved.closeTimeoutMs);
  return client.client;
}

// SIGINT/SIGTERM end the process without the exit hook running, so flush
// first, bounded by the longest `closeTimeout`; no listener while no client
// asks for it.
function setSignalFlush(clientName: string, on: boolean, timeoutMs: number): void {
  if (on) signalFlushes.set(clientName, timeoutMs);
  else signalFlushes.delete(clientName);
  if (signalFlushes.size > 0) {
    removeSignalHook ??= onTerminationSignal(flushOnSignal);
  } else {
    removeSignalHook?.();
    removeSignalHook = undefined;
  }
}

async function flushOnSignal(signal: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeoutMs = Math.max(0, ...signalFlushes.values());
  const clients = allClients().filter((c) => c.configured && signalFlushes.has(c.name));
  const flushes = clients.map((c) => c.flush({ timeoutMs }).catch(() => {}));
  await Promise.race([
    Promise.all(flushes),
    new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
  ]);
  clearTimeout(timer);
  // The process may end now: say what is still held, per table.
  for (const client of clients) client.reportHeld(`when ${signal} arrived`);
}
