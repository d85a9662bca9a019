// The running heartbeat of one client: its rows, sequences and loop. At most one per client;
// module state lives only behind getHeartbeat(), heartbeatClients() and Heartbeat.start().
import type { TableWriter } from "../batching/table_writer.ts";
import type { ClientCore } from "../client/client_core.ts";
import { onClose } from "../lifecycle.ts";
import type { TimerHandle } from "../runtime/clock.ts";
import { repeat } from "../runtime/repeat.ts";
import type { HeartbeatColumns } from "./_options.ts";

const running = new Map<string, Heartbeat>();

/** The heartbeat running for a client, if any. */
export function getHeartbeat(clientName: string): Heartbeat | undefined {
  return running.get(clientName);
}

/** The clients that have a heartbeat running. */
export function heartbeatClients(): string[] {
  return [...running.keys()];
}

/** What a {@linkcode Heartbeat} writes and how often. */
export interface HeartbeatSetup {
  client: ClientCore;
  writer: TableWriter;
  app: string;
  columns: HeartbeatColumns;
  periodMs: number;
  timeoutMs: number;
  /** Longest a beat can wait in the buffer: the heartbeat table's batching period. */
  bufferDelayMs: number;
}

/** One client's heartbeat: the `main` loop plus the sequences of every task. */
export class Heartbeat {
  readonly setup: HeartbeatSetup;
  readonly #sequences: Map<string, number>;
  #loop: TimerHandle | undefined;
  #unregister: (() => void) | undefined;
  #stopping: Promise<void> | undefined;

  constructor(setup: HeartbeatSetup, sequences: Map<string, number> = new Map()) {
    this.setup = setup;
    this.#sequences = sequences;
  }

  /**
   * Replaces the client's running heartbeat (if any) with this one, writes a
   * `main` beat at once and starts the loop. Sequences carry over when the
   * replaced heartbeat wrote the same app into the same table.
   */
  static start(setup: HeartbeatSetup): Heartbeat {
    const previous = running.get(setup.client.name);
    previous?.cancel();
    const same = previous?.setup.writer === setup.writer && previous.setup.app === setup.app;
    if (previous !== undefined && previous.setup.writer !== setup.writer) {
      previous.setup.writer.flush().catch(() => {}); // reported by the writer
    }
    const heartbeat = new Heartbeat(setup, same ? previous.#sequences : undefined);
    running.set(setup.client.name, heartbeat);
    heartbeat.#begin();
    return heartbeat;
  }

  /**
   * Writes one beat, now. Never throws for the network; throws a
   * `TuskValidationError` when the table cannot hold it.
   */
  beat(task: string, periodMs = this.setup.periodMs): void {
    const { writer, app, columns, timeoutMs, bufferDelayMs, client } = this.setup;
    const time = client.clock.now();
    const sequence = this.#sequences.get(task) ?? 0;
    const row: Record<string, unknown> = { [columns.app]: app, [columns.task]: task };
    if (columns.sequence !== null) row[columns.sequence] = sequence;
    if (columns.expiry !== null) row[columns.expiry] = time + periodMs + timeoutMs + bufferDelayMs;
    writer.write(row, time);
    this.#sequences.set(task, sequence + 1);
  }

  /** Ends the loop without flushing (for `close()`, which flushes with its timeout). */
  cancel(): void {
    this.#loop?.cancel();
    this.#loop = undefined;
    this.#unregister?.();
    this.#unregister = undefined;
    if (running.get(this.setup.client.name) === this) running.delete(this.setup.client.name);
  }

  /** Ends the loop and flushes; never rejects (failures go to `onError` and `stats()`). */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.cancel();
      await this.setup.writer.flush().catch(() => {});
    })();
    return this.#stopping;
  }

  #begin(): void {
    const { client, periodMs } = this.setup;
    this.#unregister = onClose(() => this.cancel());
    const report = (error: unknown) =>
      client.report(error instanceof Error ? error : new Error(String(error)));
    try {
      this.beat("main");
    } catch (error) {
      report(error); // a bad first beat must not prevent the next ones
    }
    this.#loop = repeat(client.clock, periodMs, () => this.beat("main"), { onError: report });
  }
}
