import { type Clock, INERT, type TimerHandle } from "./clock.ts";

/** Options of the {@linkcode FakeClock} constructor. */
export interface FakeClockOptions {
  /**
   * Whether repeating timers may run in the background; `false` mimics
   * Cloudflare Workers.
   * @default {true}
   */
  backgroundTimers?: boolean;
}

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
  /** Whether `repeat()` runs here; `false` mimics Cloudflare Workers. */
  readonly backgroundTimers: boolean;
  #now: number;
  #seq = 0;
  #pending: Pending[] = [];

  /**
   * Creates a fake clock.
   *
   * @param start The starting time in epoch milliseconds.
   * @default {0}
   * @param options `backgroundTimers: false` makes the clock behave like
   * Cloudflare Workers' (`setTimeout` schedules nothing).
   */
  constructor(start = 0, options: FakeClockOptions = {}) {
    this.#now = start;
    this.backgroundTimers = options.backgroundTimers ?? true;
  }

  /** The fake time in epoch milliseconds. */
  now(): number {
    return this.#now;
  }

  /** Schedules `callback` at `now() + delayMs` of fake time (nothing without background timers). */
  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    if (!this.backgroundTimers) return INERT;
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
