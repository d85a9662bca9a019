import type { TuskClickHouseError } from "../errors.ts";
import type { Connection } from "./connection.ts";

/** How an endpoint is doing, as `stats()` shows it. */
export type EndpointState = "up" | "down" | "probing";

/** One endpoint's figures, as `stats()` shows them. */
export interface EndpointStats {
  /** Its base URL (never with credentials). */
  url: string;
  /** The shard it belongs to (0-based), with `shards`; 0 otherwise. */
  shard: number;
  /**
   * `"up"`: in use; `"down"`: resting after a failure until `downUntil`, then
   * probed (`/ping`) before it carries a request again; `"probing"`: being probed.
   */
  state: EndpointState;
  /** Inserts and queries sent to it. */
  requests: number;
  /** Those that failed (for any reason, its own or the rows'); failed probes are not counted. */
  failures: number;
  /** Failures in a row that were its own fault (0 when up). */
  failuresInRow: number;
  /** While down: when it may be probed again, as an ISO 8601 UTC time. */
  downUntil?: string;
  /** Its last failure's message. */
  lastError?: string;
}

/** The first rest of an endpoint after a failure; it doubles with each one in a row. */
export const ENDPOINT_REST_MS = { firstMs: 1000, maxMs: 30_000 } as const;

/**
 * One server among several: its connection, whether it is fit to use, and its
 * figures. A failure that is the server's fault sends it to rest for a time
 * that doubles with each failure in a row (1 s up to 30 s, with jitter);
 * afterwards it is probed with `/ping` before it carries a request again.
 */
export class Endpoint {
  /** The connection to it. */
  readonly connection: Connection;
  /** Its shard (0-based). */
  readonly shard: number;
  readonly #now: () => number;
  readonly #wentDown: ((endpoint: Endpoint, error: TuskClickHouseError) => void) | undefined;
  readonly #shareProbes: () => boolean;
  #state: EndpointState = "up";
  #downUntil = 0;
  #inRow = 0;
  #requests = 0;
  #failures = 0;
  #lastError: string | undefined;
  #probe: Promise<TuskClickHouseError | undefined> | undefined;

  /**
   * @param connection The connection to the server.
   * @param shard Its shard (0-based).
   * @param now The time, in epoch milliseconds.
   * @param wentDown Told when a failure sends it to rest after it was up.
   * @param shareProbes Whether a probe under way may be awaited by another
   * caller (not in Workers, where the request that started it may be gone).
   */
  constructor(
    connection: Connection,
    shard: number,
    now: () => number,
    wentDown?: (endpoint: Endpoint, error: TuskClickHouseError) => void,
    shareProbes: () => boolean = () => true,
  ) {
    this.connection = connection;
    this.shard = shard;
    this.#now = now;
    this.#wentDown = wentDown;
    this.#shareProbes = shareProbes;
  }

  /** Its base URL. */
  get url(): string {
    return this.connection.url;
  }

  /** Whether it is up, or its rest is over (it is probed before use). */
  get usable(): boolean {
    return this.#state === "up" || (this.#state === "down" && this.#now() >= this.#downUntil);
  }

  /** When its rest ends (epoch milliseconds); 0 when up. */
  get downUntil(): number {
    return this.#state === "up" ? 0 : this.#downUntil;
  }

  /**
   * Makes sure it is fit to carry a request: at once when up, else after a
   * `/ping` (shared by the callers that ask at the same time, except in Workers).
   *
   * @returns `undefined` when it is fit, else why not (it rests again).
   */
  ready(): Promise<TuskClickHouseError | undefined> {
    if (this.#state === "up") return Promise.resolve(undefined);
    if (!this.#shareProbes()) return this.#ping();
    this.#probe ??= this.#ping().finally(() => (this.#probe = undefined));
    return this.#probe;
  }

  /** A request is about to go to it. */
  sent(): void {
    this.#requests++;
  }

  /** A request to it succeeded. */
  succeeded(): void {
    this.#state = "up";
    this.#inRow = 0;
    this.#downUntil = 0;
  }

  /**
   * A request to it failed.
   *
   * @param error Why.
   * @param itsFault Whether the server is to blame (it then rests).
   */
  failed(error: TuskClickHouseError, itsFault: boolean): void {
    this.#failures++;
    this.#lastError = error.message;
    if (!itsFault) return;
    this.#rest();
    if (this.#inRow === 1) this.#wentDown?.(this, error);
  }

  /** Its figures. */
  stats(): EndpointStats {
    const out: EndpointStats = {
      url: this.url,
      shard: this.shard,
      state: this.#state,
      requests: this.#requests,
      failures: this.#failures,
      failuresInRow: this.#inRow,
    };
    if (this.#state !== "up") out.downUntil = new Date(this.#downUntil).toISOString();
    if (this.#lastError !== undefined) out.lastError = this.#lastError;
    return out;
  }

  #rest(): void {
    this.#inRow++;
    const { firstMs, maxMs } = ENDPOINT_REST_MS;
    const rest = Math.min(maxMs, firstMs * 2 ** Math.min(this.#inRow - 1, 20));
    this.#state = "down";
    this.#downUntil = this.#now() + Math.ceil(rest * (0.8 + 0.4 * Math.random()));
  }

  async #ping(): Promise<TuskClickHouseError | undefined> {
    this.#state = "probing";
    try {
      await this.connection.ping(`Cannot reach ${this.url}`);
      this.succeeded();
      return undefined;
    } catch (error) {
      this.#lastError = (error as Error).message;
      this.#rest();
      return error as TuskClickHouseError;
    }
  }
}
