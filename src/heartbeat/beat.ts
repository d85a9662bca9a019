import { TuskError } from "../errors.ts";
import { getHeartbeat, heartbeatClients } from "./_heartbeat.ts";
import { resolveBeat } from "./_options.ts";

/** Options of {@linkcode beat}. */
export interface BeatOptions {
  /** The recurring task's name; `main` is reserved for `init`'s loop. */
  task: string;
  /**
   * Seconds until this task's next beat is due; part of this beat's expiry.
   * @default {init's heartbeatPeriod}
   */
  heartbeatPeriod?: number;
  /**
   * The client whose `heartbeat.init()` this beat belongs to.
   * @default {"default"}
   */
  clientName?: string;
}

/**
 * Writes one beat for a recurring task: call it once per cycle of the task.
 * Each task has its own `sequence`, from 0. The beat's `expiry` is its time +
 * `heartbeatPeriod` + `init`'s `timeout` + the heartbeat table's batching
 * period. Synchronous; never waits for or throws over the network.
 *
 * @param options The task, its period and the client.
 * @throws {TypeError} For bad options, or the reserved task `main`.
 * @throws {TuskError} When `heartbeat.init()` was not called for the client.
 * @throws {TuskValidationError} When the table's schema is known and cannot hold the beat.
 *
 * @example
 * ```ts
 * import * as heartbeat from "@tusk/clickhouse/heartbeat";
 * heartbeat.init({ table: "maintenance.heartbeats", appName: "my_app" });
 * heartbeat.beat({ task: "scan_disk", heartbeatPeriod: 60 });
 * ```
 */
export function beat(options: BeatOptions): void {
  const o = resolveBeat(options);
  const heartbeat = getHeartbeat(o.clientName);
  if (heartbeat === undefined) {
    const others = heartbeatClients().map((name) => `"${name}"`);
    throw new TuskError(
      `Cannot beat task "${o.task}": no heartbeat runs for client "${o.clientName}"; ` +
        (others.length === 0
          ? "call heartbeat.init({ table }) first"
          : `heartbeat.init() ran for client ${others.join(", ")}: pass that clientName`),
    );
  }
  heartbeat.beat(o.task, o.periodMs);
}
