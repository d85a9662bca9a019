import { isCloudflareWorkers } from "./platform.ts";

/** The signals that ask a program to stop, for {@linkcode onTerminationSignal}. */
export type TerminationSignal = "SIGINT" | "SIGTERM";

const SIGNALS: readonly TerminationSignal[] = ["SIGINT", "SIGTERM"];
const SIGNAL_NUMBERS: Readonly<Record<TerminationSignal, number>> = { SIGINT: 2, SIGTERM: 15 };

type Listener = () => void;

/** The part of `Deno` the hook uses. */
export interface DenoSignals {
  /** Wrapped by the first hook, to count the program's listeners. */
  addSignalListener?: (signal: string, listener: () => void) => void;
  /** Wrapped by the first hook, to count the program's listeners. */
  removeSignalListener?: (signal: string, listener: () => void) => void;
  /** Ends the process. */
  exit?: (code: number) => never;
}

/** The part of Node's and Bun's `process` (also Deno's, for its Node listeners) the hook uses. */
export interface NodeProcess {
  /** Adds a listener last. */
  on?: (event: string, listener: () => void) => unknown;
  /** Adds a listener first. */
  prependListener?: (event: string, listener: () => void) => unknown;
  /** Removes a listener. */
  off?: (event: string, listener: () => void) => unknown;
  /** How many listeners an event has. */
  listenerCount?: (event: string) => number;
  /** Ends the process. */
  exit?: (code: number) => never;
  /** Set by the `signal-exit` package (v3): how many copies of it listen. */
  __signal_exit_emitter__?: { count?: unknown };
}

/** Where the hook finds the runtime: `globalThis` unless a test passes fakes. */
export interface SignalRuntime {
  /** Deno's namespace, in Deno. */
  Deno?: DenoSignals;
  /** Node's or Bun's `process` (Deno has one too). */
  process?: NodeProcess;
}

/** How a runtime lets us listen for a signal and end the process. */
interface SignalDriver {
  add(signal: TerminationSignal, listener: Listener): boolean;
  remove(signal: TerminationSignal, listener: Listener): void;
  /** Whether the program listens for `signal` itself (then it decides when to exit). */
  othersListen(signal: TerminationSignal): boolean;
  exit(code: number): void;
}

/** What the wrapped `Deno.addSignalListener`/`removeSignalListener` have seen. */
interface DenoWatch {
  add(signal: string, listener: Listener): void;
  remove(signal: string, listener: Listener): void;
  othersListen(signal: string): boolean;
}

const denoWatches = new WeakMap<DenoSignals, DenoWatch>();

// Deno cannot count a signal's listeners, so from the first hook on, its add
// and remove are wrapped to count those of the program (ours bypass the
// wrapper). A listener removed earlier in the same dispatch (a `once`, even
// one added before the wrapper) still counts: dispatch calls every listener
// in one synchronous run, so the mark is cleared at the next microtask.
function watchDeno(deno: DenoSignals): DenoWatch {
  const known = denoWatches.get(deno);
  if (known !== undefined) return known;
  const add = deno.addSignalListener!.bind(deno);
  const remove = deno.removeSignalListener!.bind(deno);
  const theirs = new Map<string, Set<Listener>>();
  const removedThisTurn = new Set<string>();
  deno.addSignalListener = (signal, listener) => {
    add(signal, listener);
    theirs.set(signal, (theirs.get(signal) ?? new Set()).add(listener));
  };
  deno.removeSignalListener = (signal, listener) => {
    remove(signal, listener);
    theirs.get(signal)?.delete(listener);
    if (removedThisTurn.size === 0) queueMicrotask(() => removedThisTurn.clear());
    removedThisTurn.add(signal);
  };
  const watch: DenoWatch = {
    add,
    remove,
    othersListen: (signal) => (theirs.get(signal)?.size ?? 0) > 0 || removedThisTurn.has(signal),
  };
  denoWatches.set(deno, watch);
  return watch;
}

function denoDriver(deno: DenoSignals, proc: NodeProcess | undefined): SignalDriver | undefined {
  if (typeof deno.addSignalListener !== "function") return undefined;
  if (typeof deno.removeSignalListener !== "function") return undefined;
  const watch = watchDeno(deno);
  return {
    add(signal, listener) {
      try {
        watch.add(signal, listener);
        return true;
      } catch {
        return false; // e.g. SIGTERM on Windows
      }
    },
    remove: (signal, listener) => watch.remove(signal, listener),
    // Deno's `process.on` listeners, even those added before the first hook.
    othersListen: (signal) =>
      watch.othersListen(signal) || (proc?.listenerCount?.(signal) ?? 0) > 0,
    exit: (code) => deno.exit?.(code),
  };
}

// The `signal-exit` package (v3 and v4) listens too, but re-raises the signal
// only when its listeners are the only ones: with ours there it leaves the exit
// to us, so its listeners are not the program's own.
function signalExitListeners(proc: NodeProcess): number {
  const v4 = (globalThis as Record<symbol, { count?: unknown } | undefined>)[
    Symbol.for("signal-exit emitter")
  ]?.count;
  const v3 = proc.__signal_exit_emitter__?.count;
  return (typeof v4 === "number" ? v4 : 0) + (typeof v3 === "number" ? v3 : 0);
}

function nodeDriver(proc: NodeProcess): SignalDriver | undefined {
  const on = proc.prependListener ?? proc.on;
  if (typeof on !== "function") return undefined;
  return {
    // First in line, so that a program's `once` listener is still counted when ours runs.
    add(signal, listener) {
      try {
        on.call(proc, signal, listener);
        return true;
      } catch {
        return false;
      }
    },
    remove: (signal, listener) => proc.off?.(signal, listener),
    othersListen: (signal) =>
      (proc.listenerCount?.(signal) ?? 1) - 1 - signalExitListeners(proc) > 0,
    exit: (code) => proc.exit?.(code),
  };
}

function driver(runtime: SignalRuntime): SignalDriver | undefined {
  if (isCloudflareWorkers()) return undefined; // `process` may exist there (nodejs_compat)
  if (runtime.Deno !== undefined) return denoDriver(runtime.Deno, runtime.process);
  return runtime.process === undefined ? undefined : nodeDriver(runtime.process);
}

/** Options of {@linkcode onTerminationSignal}. */
export interface TerminationSignalOptions {
  /**
   * Where to find `Deno` or `process`; tests pass fakes.
   * @default {globalThis}
   */
  runtime?: SignalRuntime;
}

/**
 * Runs `callback` when a Deno, Node or Bun process receives SIGINT or SIGTERM.
 * When it settles, the process ends as the signal would have (exit code 128 +
 * the signal's number), unless the program had a listener of its own for that
 * signal when it arrived: then ending the process is left to the program. A
 * second signal while `callback` runs ends the process at once. The listeners
 * never keep a process alive. Where there are no signals (Cloudflare Workers,
 * browsers), nothing is registered.
 *
 * Deno has no listener count: the program's listeners are seen when added
 * with `Deno.addSignalListener` after the first call to this function (and,
 * at any time, with `process.on`); one added with `Deno.addSignalListener`
 * before it is not seen, and the process ends once `callback` settles.
 *
 * @param callback Called with the signal; the process waits for its promise.
 * @param options Where the runtime is.
 * @returns A function that unregisters the hook.
 *
 * @example
 * ```ts
 * import { onTerminationSignal } from "./signal_hook.ts";
 * const off = onTerminationSignal(async (signal) => console.log(`stopping on ${signal}`));
 * off();
 * ```
 */
export function onTerminationSignal(
  callback: (signal: TerminationSignal) => Promise<void>,
  options: TerminationSignalOptions = {},
): () => void {
  const d = driver(options.runtime ?? globalThis as SignalRuntime);
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
      // Decided now: a program's `once` listener is gone by the time callback settles.
      const theirs = d.othersListen(signal);
      running = true;
      callback(signal).catch(() => {}).finally(() => {
        running = false;
        if (theirs) return;
        unregister();
        d.exit(code);
      });
    };
    if (d.add(signal, listener)) listeners.set(signal, listener);
  }
  return unregister;
}
