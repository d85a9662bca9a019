import { TuskClickHouseError } from "../errors.ts";
import type { Connection } from "./connection.ts";
import type { Endpoint } from "./endpoint.ts";
import { failureScope, mayHaveBeenStored } from "./endpoint_fault.ts";

/**
 * Which endpoint of a set takes the next request: each in turn
 * (`"round_robin"`), the first one that is up (`"in_order"`), or any
 * (`"random"`). Endpoints resting after a failure are skipped either way.
 */
export type LoadBalancing = "round_robin" | "in_order" | "random";

/**
 * A request that no endpoint of a set carried: the error to report (naming
 * every endpoint tried), and whether some attempt may have been stored.
 */
export class SetFailed extends Error {
  /** The error to report. */
  readonly error: TuskClickHouseError;
  /** Whether an attempt's answer was lost rather than refused (see `mayHaveBeenStored`). */
  readonly mayHaveBeenStored: boolean;

  /**
   * @param error The error to report.
   * @param stored Whether an attempt may have been stored.
   */
  constructor(error: TuskClickHouseError, stored: boolean) {
    super(error.message, { cause: error });
    this.error = error;
    this.mayHaveBeenStored = stored;
  }
}

interface Attempt {
  endpoint: Endpoint;
  error: TuskClickHouseError;
}

/**
 * Endpoints that hold the same data (replicas of one shard, or nodes that
 * each have the `Distributed` table). A request goes to one endpoint chosen
 * by the load balancing; when that fails for the endpoint's sake, the same
 * request (same body, same deduplication token) goes to the next at once, so
 * each endpoint is tried at most once per request. An endpoint resting after
 * a failure is skipped until its rest ends and a `/ping` answers; when every
 * endpoint rests, the one whose rest ends first is probed anyway. A set of
 * one endpoint sends every request as it comes, with its errors unchanged.
 */
export class ReplicaSet {
  /** The endpoints, in the order given. */
  readonly endpoints: readonly Endpoint[];
  readonly #policy: LoadBalancing;
  #turn = 0;

  /**
   * @param endpoints The endpoints (at least one).
   * @param policy The load balancing.
   */
  constructor(endpoints: readonly Endpoint[], policy: LoadBalancing) {
    this.endpoints = endpoints;
    this.#policy = policy;
  }

  /** Whether some endpoint is up or due for a probe. */
  get usable(): boolean {
    return this.endpoints.some((e) => e.usable);
  }

  /** When the first resting endpoint may be probed again (epoch milliseconds). */
  get nextDue(): number {
    return Math.min(...this.endpoints.map((e) => e.downUntil));
  }

  /**
   * Runs a request on the endpoints in turn until one succeeds.
   *
   * @param request The request, on one endpoint's connection.
   * @param action The request's error action, e.g. `Cannot insert into "db.cpu"`.
   * @param signal Stops trying further endpoints once aborted.
   * @returns What the request returned.
   * @throws {TuskClickHouseError} When the rows or the request are at fault
   * (a bad row, authentication): no other endpoint is tried.
   * @throws {SetFailed} When every endpoint tried failed for its own sake (or lacked the table).
   */
  async run<T>(
    request: (connection: Connection) => Promise<T>,
    action: string,
    signal?: AbortSignal,
  ): Promise<T> {
    const tried: Attempt[] = [];
    let stored = false;
    // A lone endpoint is not probed: the request itself tells whether it is back.
    const probe = this.endpoints.length > 1;
    for (const endpoint of this.#candidates()) {
      if (signal?.aborted) break;
      const unfit = probe ? await endpoint.ready() : undefined;
      if (unfit !== undefined) {
        tried.push({ endpoint, error: unanswered(unfit, action) });
        continue;
      }
      endpoint.sent();
      try {
        const result = await request(endpoint.connection);
        endpoint.succeeded();
        return result;
      } catch (error) {
        if (!(error instanceof TuskClickHouseError)) throw error;
        const scope = failureScope(error);
        endpoint.failed(error, scope === "endpoint");
        if (scope === "request") throw this.#named(error, endpoint, []);
        if (scope === "endpoint" && mayHaveBeenStored(error)) stored = true;
        tried.push({ endpoint, error });
      }
    }
    // The last failure that was an endpoint's own, else the last one (not findLast: ES2022 builds).
    const own = tried.filter((t) => failureScope(t.error) === "endpoint");
    const last = own[own.length - 1] ?? tried[tried.length - 1];
    if (last === undefined) throw new Error("ReplicaSet.run: no endpoint to try"); // aborted first
    throw new SetFailed(this.#named(last.error, last.endpoint, tried), stored);
  }

  // Usable endpoints in the policy's order; when none is, the one that rests the shortest.
  #candidates(): Endpoint[] {
    const all = this.endpoints;
    const start = this.#policy === "in_order"
      ? 0
      : this.#policy === "random"
      ? Math.floor(Math.random() * all.length)
      : this.#turn++ % all.length;
    const order = [...all.slice(start), ...all.slice(0, start)].filter((e) => e.usable);
    if (order.length > 0) return order;
    return [all.reduce((a, b) => (b.downUntil < a.downUntil ? b : a))];
  }

  // The error again, naming its endpoint (when there are several) and the others that failed.
  #named(error: TuskClickHouseError, at: Endpoint, tried: Attempt[]): TuskClickHouseError {
    if (this.endpoints.length === 1 && tried.length <= 1) return error;
    const others = tried.filter((t) => t.endpoint !== at)
      .map((t) => `${t.endpoint.url} (${t.error.detail})`);
    const also = others.length > 0 ? `; also failed: ${others.join("; ")}` : "";
    return new TuskClickHouseError({
      ...error,
      detail: `${error.detail} [at ${at.url}${also}]`,
      cause: error.cause,
      body: error.body,
    });
  }
}

// A failed probe, told as the failure of the request that was waiting for it.
function unanswered(probe: TuskClickHouseError, action: string): TuskClickHouseError {
  return new TuskClickHouseError({
    ...probe,
    action,
    detail: `no answer to /ping (${probe.detail})`,
    cause: probe,
  });
}
