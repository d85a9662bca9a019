import { type TuskClickHouseError, TuskError } from "../errors.ts";
import {
  type ClickHouseLink,
  Connection,
  type ConnectionOptions,
  type Settings,
} from "./connection.ts";
import { Endpoint, type EndpointStats } from "./endpoint.ts";
import { type LoadBalancing, ReplicaSet, SetFailed } from "./replica_set.ts";

/** What {@linkcode Endpoints} is given. */
export interface EndpointsOptions {
  /** The base URLs, per shard: one list of replicas (or equivalent nodes) per shard. */
  shards: readonly (readonly string[])[];
  /** How a shard's endpoints share the requests. */
  loadBalancing: LoadBalancing;
  /** Everything else a connection needs, the same for every endpoint. */
  connection: Omit<ConnectionOptions, "url">;
  /** The time, in epoch milliseconds (the client's clock). */
  now: () => number;
  /**
   * Whether a `/ping` under way may be awaited by other callers (not in
   * Workers, where the request that started it may end and take it along).
   * @default {() => true}
   */
  shareProbes?: () => boolean;
}

// Batches whose attempt may have been stored on a shard, remembered so their
// retries go to that shard; more are forgotten oldest first.
const MAX_PINNED = 10_000;

/**
 * Every ClickHouse server a client writes to: endpoints that hold the same
 * data, or shards of them.
 *
 * Queries go to any endpoint. An insert goes to one shard (each in turn,
 * skipping those with no endpoint up) and, within it, to one endpoint after
 * another until one takes it (see {@linkcode ReplicaSet}). A batch whose
 * attempt may have been stored (its answer was lost) stays with that shard
 * for every retry, so the shard's replicated tables can recognize it (by its
 * deduplication token, or on servers without tokens by its identical body);
 * a batch every replica of a shard refused outright moves to the next shard.
 * {@linkcode heldUntil} tells a writer when a batch held for a shard that is
 * down may be tried again, so the other shards' batches need not wait.
 */
export class Endpoints implements ClickHouseLink {
  readonly #shards: ReplicaSet[];
  readonly #all: ReplicaSet;
  readonly #pins = new Map<string, number>();
  #turn = 0;

  /** @param options The endpoints, the load balancing and the connection settings. */
  constructor(options: EndpointsOptions) {
    const several = options.shards.flat().length > 1;
    const report = options.connection.report;
    // With several endpoints a failover hides the failure from the writer: say so once per outage.
    const wentDown = several && report !== undefined
      ? (endpoint: Endpoint, error: TuskClickHouseError) =>
        report(
          new TuskError(
            `ClickHouse endpoint ${endpoint.url} is down (${error.message}); requests go to ` +
              "the other endpoints until it answers /ping again (stats().endpoints)",
            { cause: error },
          ),
        )
      : undefined;
    this.#shards = options.shards.map((urls, shard) =>
      new ReplicaSet(
        urls.map((url) =>
          new Endpoint(
            new Connection({ ...options.connection, url }),
            shard,
            options.now,
            wentDown,
            options.shareProbes,
          )
        ),
        options.loadBalancing,
      )
    );
    this.#all = new ReplicaSet(
      this.#shards.flatMap((set) => set.endpoints),
      options.loadBalancing,
    );
  }

  /** How many endpoints there are, over all shards. */
  get size(): number {
    return this.#all.endpoints.length;
  }

  /**
   * Inserts rows (JSONEachRow text) through one shard's endpoints.
   *
   * @param table The quoted table name.
   * @param rows The rows, as one string or pieces.
   * @param action The error message's action.
   * @param settings Settings for the insert (the deduplication token among them).
   * @param signal Aborts the request, and stops trying other endpoints.
   * @param key The batch's key (its deduplication token): its retries find its shard.
   * @throws {TuskClickHouseError} When no endpoint took it; named after the
   * endpoints tried when there are several.
   */
  async insert(
    table: string,
    rows: string | readonly string[],
    action: string,
    settings?: Settings,
    signal?: AbortSignal,
    key?: string,
  ): Promise<void> {
    const send = (c: Connection) => c.insert(table, rows, action, settings, signal);
    if (this.#shards.length === 1) return await unwrap(this.#shards[0]!.run(send, action, signal));
    const pinned = key === undefined ? undefined : this.#pins.get(key);
    if (pinned !== undefined) {
      try {
        await this.#shards[pinned]!.run(send, action, signal);
        this.#pins.delete(key!);
        return;
      } catch (error) {
        const failure = error instanceof SetFailed ? error.error : error;
        if (!(failure as TuskClickHouseError).retryable) this.#pins.delete(key!);
        throw failure;
      }
    }
    // A shard whose replicas refused outright (down, read-only, or without the table) passes
    // the batch on; the error kept is one that may pass, else the last.
    let passing: TuskClickHouseError | undefined;
    let lasting: TuskClickHouseError | undefined;
    for (const shard of this.#shardOrder()) {
      try {
        return await this.#shards[shard]!.run(send, action, signal);
      } catch (error) {
        if (!(error instanceof SetFailed)) throw error;
        if (error.mayHaveBeenStored && key !== undefined) {
          this.#pin(key, shard);
          throw error.error;
        }
        if (error.error.retryable) passing = error.error;
        else lasting = error.error;
      }
    }
    throw passing ?? lasting ?? new Error("Endpoints.insert: no shard to try");
  }

  /**
   * Runs a query on any endpoint (the next one when it fails for its own sake).
   *
   * @param sql The query, without a FORMAT clause.
   * @param action The error message's action.
   * @param check See {@linkcode Connection.select}: what it throws counts as that endpoint's answer.
   * @throws {TuskClickHouseError} When no endpoint answered.
   */
  async select<T>(sql: string, action: string, check?: (rows: T[]) => void): Promise<T[]> {
    return await unwrap(this.#all.run((c) => c.select<T>(sql, action, check), action));
  }

  /**
   * Runs a statement whose answer is not read (DDL) on any endpoint. On a
   * cluster, make it `ON CLUSTER` so that every node runs it.
   *
   * @param sql The statement.
   * @param action The error message's action.
   * @throws {TuskClickHouseError} When no endpoint took it.
   */
  async command(sql: string, action: string): Promise<void> {
    await unwrap(this.#all.run((c) => c.command(sql, action), action));
  }

  /**
   * When a batch held for a shard that is down may be tried again: it failed
   * there in a way that may have stored it, and no endpoint of that shard is
   * fit now.
   *
   * @param key The batch's key.
   * @returns The time (epoch milliseconds), or `undefined` when the batch is
   * not held (it may go now, or failed for another reason).
   */
  heldUntil(key: string): number | undefined {
    const shard = this.#pins.get(key);
    if (shard === undefined || this.#shards.length === 1) return undefined;
    const set = this.#shards[shard]!;
    return set.usable ? undefined : set.nextDue;
  }

  /** Every endpoint's figures, shard by shard. */
  stats(): EndpointStats[] {
    return this.#all.endpoints.map((e) => e.stats());
  }

  // Shards in turn, those with an endpoint fit to use first.
  #shardOrder(): number[] {
    const n = this.#shards.length;
    const start = this.#turn++ % n;
    const order = Array.from({ length: n }, (_, i) => (start + i) % n);
    return [
      ...order.filter((i) => this.#shards[i]!.usable),
      ...order.filter((i) => !this.#shards[i]!.usable),
    ];
  }

  #pin(key: string, shard: number): void {
    this.#pins.set(key, shard);
    if (this.#pins.size > MAX_PINNED) this.#pins.delete(this.#pins.keys().next().value!);
  }
}

async function unwrap<T>(running: Promise<T>): Promise<T> {
  try {
    return await running;
  } catch (error) {
    throw error instanceof SetFailed ? error.error : error;
  }
}
