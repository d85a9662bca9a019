import type { TuskClickHouseError } from "../errors.ts";

/**
 * A send run's batches that wait for their shard (it is down, and their
 * answer was lost there, so only that shard can tell whether it stored them),
 * while the run sent the other shards' batches. Not a failure of the table:
 * no backoff, a retry at `until`.
 */
export class BatchesHeld extends Error {
  /** Why the shard could not take them. */
  readonly failure: TuskClickHouseError;
  /** When the shard may be tried again, in epoch milliseconds. */
  readonly until: number;

  /**
   * @param failure Why the shard could not take them.
   * @param until When the shard may be tried again, in epoch milliseconds.
   */
  constructor(failure: TuskClickHouseError, until: number) {
    super(failure.message, { cause: failure });
    this.name = "BatchesHeld";
    this.failure = failure;
    this.until = until;
  }
}
