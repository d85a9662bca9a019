import type { Clock, TimerHandle } from "./clock.ts";

interface Pending {
  at: number;
  seq: number;
  callback: () => void;
}

/**
 * A {@linkcode Clock} that only moves when told to, for tests: no test sleeps
 * through a batching, counter or heartbeat period.
 *
 * @example Driving a period without waiting
 * ```ts
 * import { FakeClock } from "@tusk/clickhouse";
 * const clock = new FakeClock(Date.UTC(2022, 2, 10, 6, 42, 42));
 * let fired = 0;
 * clock.setTimeout(() => fired++, 60_000);
 * await clock.tick(60_000);
 * console.assert(fired === 1);
 * ```
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #pending: Pending[] = [];

  /**
   * Creates a fake clock.
   *
   * @param start The starting time in epoch milliseconds.
   * @default {0}
   */
  constructor(start = 0) {
    this.#now = start;
  }

  /** The fake time in epoch milliseconds. */
  now(): number {
    return this.#now;
  }

  /** Schedules `callback` at `now() + delayMs` of fake time. */
  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const entry: Pending = { at: this.#now + Math.max(0, delayMs), seq: this.#seq++, callback };
    this.#pending.push(entry);
    return {
      cancel: () => {
        const index = this.#pending.indexOf(entry);
        if (index >= 0) this.#pending.splice(index, 1);
      },
    };
  }

  /** How many timers are waiting to fire. */
  get pendingTimers(): number {
    return this.#pending.length;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due in order,
   * and letting promise callbacks run between them.
   *
   * @param ms How far to move, in milliseconds.
   */
  async tick(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      const next = this.#nextDue(target);
      if (!next) break;
      this.#pending.splice(this.#pending.indexOf(next), 1);
      this.#now = next.at;
      next.callback();
      await settle();
    }
    this.#now = target;
    await settle();
  }

  #nextDue(limit: number): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.#pending) {
      if (p.at > limit) continue;
      if (!best || p.at < best.at || (p.at === best.at && p.seq < best.seq)) best = p;
    }
    return best;
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
