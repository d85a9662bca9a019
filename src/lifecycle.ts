import type { TableStats } from "./batching/table_stats.ts";
import { allClients } from "./client/registry.ts";

const closers = new Set<() => void | Promise<void>>();

/**
 * Registers something `close()` must stop (heartbeat loops, console
 * interception). Returns a function that unregisters it.
 *
 * @param closer Stops it.
 * @returns The unregister function.
 */
export function onClose(closer: () => void | Promise<void>): () => void {
  closers.add(closer);
  return () => closers.delete(closer);
}

/**
 * Sends everything buffered by every metric, counter, heartbeat and logger on
 * every client, and resolves when ClickHouse has acknowledged it.
 *
 * @throws {Error} Why some rows could not be delivered (they stay buffered and are retried).
 *
 * @example In a Cloudflare Worker
 * ```ts
 * import * as tusk from "@tusk/clickhouse";
 * export default {
 *   fetch(_request: Request, _env: unknown, ctx: { waitUntil(p: Promise<unknown>): void }) {
 *     ctx.waitUntil(tusk.flush());
 *     return new Response("ok");
 *   },
 * };
 * ```
 */
export async function flush(): Promise<void> {
  const results = await Promise.allSettled(
    allClients().filter((c) => c.configured).map((c) => c.flush()),
  );
  const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    throw new AggregateError(errors, `Cannot flush: ${errors.length} clients failed`);
  }
}

/**
 * Flushes, then stops timers, restores `console` and releases every client.
 * Safe to call twice. Rows that could not be delivered within each client's
 * `closeTimeout` are counted and reported.
 *
 * @example
 * ```ts
 * import * as tusk from "@tusk/clickhouse";
 * await tusk.close();
 * ```
 */
export async function close(): Promise<void> {
  const stopping = [...closers];
  closers.clear();
  // One failing closer must not keep the others, or the clients, from closing.
  await Promise.allSettled(stopping.map(async (closer) => await closer()));
  await Promise.all(allClients().map((client) => client.close()));
}

/**
 * Delivery figures per table: rows written, pending, retried, dropped by
 * reason, failed batches and the last error. Keys are `"database.table"`, led
 * by `"client/"` for clients other than `"default"`.
 *
 * @returns The figures.
 *
 * @example
 * ```ts
 * import * as tusk from "@tusk/clickhouse";
 * for (const [table, s] of Object.entries(tusk.stats())) console.log(table, s.written, s.pending);
 * ```
 */
export function stats(): Record<string, TableStats> {
  const out: Record<string, TableStats> = {};
  for (const client of allClients()) {
    for (const s of client.stats()) {
      out[client.name === "default" ? s.table : `${client.name}/${s.table}`] = s;
    }
  }
  return out;
}
