import { isCloudflareWorkers } from "./platform.ts";

/** The signals that ask a program to stop, for {@linkcode onTerminationSignal}. */
export type TerminationSignal = "SIGINT" | "SIGTERM";

const SIGNALS: readonly TerminationSignal[] = ["SIGINT", "SIGTERM"];
const SIGNAL_NUMBERS: Readonly<Record<TerminationSignal, number>> = { SIGINT: 2, SIGTERM: 15 };

type Listener = () => void;

interface DenoSignals {
  addSignalListener?: (signal: TerminationSignal, listener: Listener) => void;
  removeSignalListener?: (signal: TerminationSignal, listener: Listener) => void;
  exit?: (code: number) => never;
}

interface NodeProcess {
  on?: (event: string, listener: Listener) => void;
  off?: (event: string, listener: Listener) => void;
  listenerCount?: (event: string) => number;
  exit?: (code: number) => never;
}

/** How a runtime lets us listen for a signal and end the process. */
interface SignalDriver {
  add(signal: TerminationSignal, listener: Listener): boolean;
  remove(signal: TerminationSignal, listener: Listener): void;
  /** Whether the program listens for `signal` itself (then it decides when to exit). */
  othersListen(signal: TerminationSignal): boolean;
  exit(code: number): void;
}

function driver(): SignalDriver | undefined {
  if (isCloudflareWorkers()) return undefined; // `process` may exist there (nodejs_compat)
  const g = globalThis as { Deno?: DenoSignals; process?: NodeProcess };
  const deno = g.Deno;
  if (deno !== undefined) {
    if (typeof deno.addSignalListener !== "function") return undefined;
    return {
      add(signal, listener) {
        try {
          deno.addSignalListener!(signal, listener);
          return true;
        } catch {
          return false; // e.g. SIGTERM on Windows
        }
      },
      remove: (signal, listener) => deno.removeSignalListener?.(signal, listener),
      othersListen: () => false, // Deno cannot tell: the program ends as the signal would have
      exit: (code) => deno.exit?.(code),
    };
  }
  const proc = g.process;
  if (typeof proc?.on !== "function") return undefined;
  return {
    add(signal, listener) {
      proc.on!(signal, listener);
      return true;
    },
    remove: (signal, listener) => proc.off?.(signal, listener),
    othersListen: (signal) => (proc.listenerCount?.(signal) ?? 1) > 1,
    exit: (code) => proc.exit?.(code),
  };
}

/**
 * Runs `callback` when a Deno, Node or Bun process receives SIGINT or SIGTERM,
 * then ends the process as the signal would have (exit code 128 + the
 * signal's number), unless the program listens for that signal itself (Node,
 * Bun): then ending it is left to the program. A second signal while
 * `callback` runs ends the process at once. Where there are no signals
 * (Cloudflare Workers, browsers), nothing is registered.
 *
 * @param callback Called with the signal; the process waits for its promise.
 * @returns A function that unregisters the hook.
 */
export function onTerminationSignal(
  callback: (signal: TerminationSignal) => Promise<void>,
): () => void {
  const d = driver();
  if (d === undefined) return () => {};
  let running = false;
  const listeners = new Map<TerminationSignal, Listener>();
  const unregister = () => {
    for (const [signal, listener] of listeners) d.remove(signal, listener);
    listeners.clear();
  };
  for (const signal of SIGNALS) {
    const code = 128 + SIGNAL_NUMBERS[signal];
    const listener = () => {
      if (running) return d.exit(code); // asked twice: stop waiting
      running = true;
      callback(signal).catch(() => {}).finally(() => {
        running = false;
        if (!d.othersListen(signal)) {
          unregister();
          d.exit(code);
        }
      });
    };
    if (d.add(signal, listener)) listeners.set(signal, listener);
  }
  return unregister;
}
