/**
 * Makes one owner of a flush: a call while a flush runs does not start a second
 * one beside it, but waits for one that starts after the running one ends, so
 * it also covers what arrived meanwhile. Every caller in that wait shares it.
 *
 * @example
 * ```ts
 * import { FlushGate } from "./flush_gate.ts";
 * const gate = new FlushGate();
 * await Promise.all([gate.run(async () => {}), gate.run(async () => {})]);
 * ```
 */
export class FlushGate {
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  /** Whether a flush is running. */
  get busy(): boolean {
    return this.#running !== undefined;
  }

  /**
   * Runs `task` now, or once after the running one ends.
   *
   * @param task The flush.
   * @returns A promise settled by the flush that covers this call.
   */
  run(task: () => Promise<void>): Promise<void> {
    if (this.#running === undefined) return this.#start(task);
    this.#queued ??= this.#running.then(noop, noop).then(() => {
      this.#queued = undefined;
      return this.#start(task);
    });
    return this.#queued;
  }

  /** Resolves once nothing is running or queued (never rejects). */
  async idle(): Promise<void> {
    while (this.#running !== undefined || this.#queued !== undefined) {
      await (this.#queued ?? this.#running)!.then(noop, noop);
    }
  }

  #start(task: () => Promise<void>): Promise<void> {
    // The task starts a microtask later, once it is registered as running: a
    // flush requested from inside its synchronous start (a write that fills
    // the buffer) then queues behind it instead of running beside it.
    const running = Promise.resolve().then(task).finally(() => {
      if (this.#running === running) this.#running = undefined;
    });
    this.#running = running;
    return running;
  }
}

function noop(): void {}
