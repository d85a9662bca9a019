import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import {
  type DenoSignals,
  type NodeProcess,
  onTerminationSignal,
  type TerminationSignal,
} from "../../src/runtime/signal_hook.ts";

type Listener = () => void;

/** A `Deno` whose signals are delivered by `send`, calling every listener in one run as Deno does. */
function fakeDeno() {
  const listeners = new Map<string, Set<Listener>>();
  const exits: number[] = [];
  const deno = {
    addSignalListener(signal: string, listener: Listener) {
      listeners.set(signal, (listeners.get(signal) ?? new Set()).add(listener));
    },
    removeSignalListener(signal: string, listener: Listener) {
      listeners.get(signal)?.delete(listener);
    },
    exit(code: number) {
      exits.push(code);
    },
  };
  const send = (signal: TerminationSignal) => {
    for (const listener of listeners.get(signal) ?? []) listener();
  };
  const count = (signal: string) => listeners.get(signal)?.size ?? 0;
  return { deno: deno as DenoSignals & typeof deno, send, count, exits };
}

/** Node's and Bun's `process`: a real `EventEmitter` whose `exit` is recorded. */
function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  const proc = Object.assign(emitter, { exit: (code: number) => exits.push(code) });
  const send = (signal: TerminationSignal) => emitter.emit(signal);
  return { proc: proc as unknown as NodeProcess & EventEmitter, send, exits };
}

/** A callback whose promise the test settles. */
function pendingCallback() {
  const signals: TerminationSignal[] = [];
  let settle = () => {};
  const callback = (signal: TerminationSignal) => {
    signals.push(signal);
    return new Promise<void>((resolve) => (settle = resolve));
  };
  return { callback, signals, settle: () => settle() };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("onTerminationSignal() ends the process as the signal would once callback settles", async (t) => {
  for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
    await t.step(`Node, Bun: ${signal} -> ${code}`, async () => {
      const { proc, send, exits } = fakeProcess();
      const cb = pendingCallback();
      onTerminationSignal(cb.callback, { runtime: { process: proc } });
      send(signal);
      assert.deepEqual(cb.signals, [signal]);
      await settled();
      assert.deepEqual(exits, [], "not before callback settles");
      cb.settle();
      await settled();
      assert.deepEqual(exits, [code]);
      assert.equal(proc.listenerCount(signal), 0, "the hook removed itself");
    });
    await t.step(`Deno: ${signal} -> ${code}`, async () => {
      const { deno, send, exits } = fakeDeno();
      const cb = pendingCallback();
      onTerminationSignal(cb.callback, { runtime: { Deno: deno } });
      send(signal);
      await settled();
      assert.deepEqual(exits, []);
      cb.settle();
      await settled();
      assert.deepEqual(exits, [code]);
    });
  }
  await t.step("a callback that rejects still ends the process", async () => {
    const { proc, send, exits } = fakeProcess();
    onTerminationSignal(() => Promise.reject(new Error("flush failed")), {
      runtime: { process: proc },
    });
    send("SIGTERM");
    await settled();
    assert.deepEqual(exits, [143]);
  });
});

Deno.test("onTerminationSignal() leaves the exit to the program's own listener", async (t) => {
  await t.step("Node, Bun: a listener added before the hook, even a once", async () => {
    const { proc, send, exits } = fakeProcess();
    let theirs = 0;
    proc.once("SIGTERM", () => theirs++);
    const cb = pendingCallback();
    onTerminationSignal(cb.callback, { runtime: { process: proc } });
    send("SIGTERM");
    assert.equal(theirs, 1);
    assert.equal(cb.signals.length, 1, "callback runs too");
    cb.settle();
    await settled();
    assert.deepEqual(exits, []);
  });
  await t.step("Node, Bun: a listener added after the hook", async () => {
    const { proc, send, exits } = fakeProcess();
    onTerminationSignal(() => Promise.resolve(), { runtime: { process: proc } });
    proc.on("SIGINT", () => {});
    send("SIGINT");
    await settled();
    assert.deepEqual(exits, []);
  });
  await t.step("Deno: a listener added with Deno.addSignalListener after the hook", async () => {
    const { deno, send, exits } = fakeDeno();
    onTerminationSignal(() => Promise.resolve(), { runtime: { Deno: deno } });
    deno.addSignalListener("SIGTERM", () => {});
    send("SIGTERM");
    await settled();
    assert.deepEqual(exits, []);
  });
  await t.step("Deno: one that removes itself as it runs, even added before the hook", async () => {
    const { deno, send, exits } = fakeDeno();
    const once = () => deno.removeSignalListener("SIGTERM", once);
    deno.addSignalListener("SIGTERM", once);
    onTerminationSignal(() => Promise.resolve(), { runtime: { Deno: deno } });
    send("SIGTERM");
    await settled();
    assert.deepEqual(exits, []);
  });
  await t.step("Deno: a listener of Deno's `process`, even added before the hook", async () => {
    const { deno, send, exits } = fakeDeno();
    const { proc } = fakeProcess();
    proc.on("SIGTERM", () => {});
    onTerminationSignal(() => Promise.resolve(), { runtime: { Deno: deno, process: proc } });
    send("SIGTERM");
    await settled();
    assert.deepEqual(exits, []);
  });
  await t.step("Deno: a listener the program removed again does not count", async () => {
    const { deno, send, exits } = fakeDeno();
    onTerminationSignal(() => Promise.resolve(), { runtime: { Deno: deno } });
    const theirs = () => {};
    deno.addSignalListener("SIGTERM", theirs);
    deno.removeSignalListener("SIGTERM", theirs);
    await settled();
    send("SIGTERM");
    await settled();
    assert.deepEqual(exits, [143]);
  });
  await t.step("Deno: a listener for another signal does not count", async () => {
    const { deno, send, exits } = fakeDeno();
    onTerminationSignal(() => Promise.resolve(), { runtime: { Deno: deno } });
    deno.addSignalListener("SIGINT", () => {});
    send("SIGTERM");
    await settled();
    assert.deepEqual(exits, [143]);
  });
});

Deno.test("onTerminationSignal() does not see a Deno listener added before its first call", async () => {
  // The documented limitation: Deno cannot count listeners, and the wrapper comes with the hook.
  const { deno, send, exits } = fakeDeno();
  let theirs = 0;
  deno.addSignalListener("SIGTERM", () => theirs++);
  onTerminationSignal(() => Promise.resolve(), { runtime: { Deno: deno } });
  send("SIGTERM");
  await settled();
  assert.equal(theirs, 1);
  assert.deepEqual(exits, [143]);
});

Deno.test("onTerminationSignal() ends the process at once on a second signal", async (t) => {
  await t.step("Node, Bun", () => {
    const { proc, send, exits } = fakeProcess();
    const cb = pendingCallback();
    onTerminationSignal(cb.callback, { runtime: { process: proc } });
    send("SIGTERM");
    assert.deepEqual(exits, []);
    send("SIGINT");
    assert.deepEqual(exits, [130]);
  });
  await t.step("Deno, the program listening too", () => {
    const { deno, send, exits } = fakeDeno();
    const cb = pendingCallback();
    onTerminationSignal(cb.callback, { runtime: { Deno: deno } });
    deno.addSignalListener("SIGTERM", () => {});
    send("SIGTERM");
    send("SIGTERM");
    assert.deepEqual(exits, [143]);
    assert.equal(cb.signals.length, 1);
  });
  await t.step(
    "after callback settled with the program listening, a signal flushes again",
    async () => {
      const { proc, send, exits } = fakeProcess();
      proc.on("SIGTERM", () => {});
      let calls = 0;
      onTerminationSignal(() => Promise.resolve(void calls++), { runtime: { process: proc } });
      send("SIGTERM");
      await settled();
      send("SIGTERM");
      await settled();
      assert.equal(calls, 2);
      assert.deepEqual(exits, []);
    },
  );
});

Deno.test("onTerminationSignal() does not take signal-exit's listeners for the program's", async (t) => {
  await t.step("signal-exit v3 (process.__signal_exit_emitter__)", async () => {
    const { proc, send, exits } = fakeProcess();
    proc.__signal_exit_emitter__ = { count: 1 };
    proc.on("SIGTERM", () => {}); // re-raises only when alone; here it is not
    onTerminationSignal(() => Promise.resolve(), { runtime: { process: proc } });
    send("SIGTERM");
    await settled();
    assert.deepEqual(exits, [143]);
  });
  await t.step("signal-exit v4 (globalThis[Symbol.for('signal-exit emitter')])", async () => {
    const key = Symbol.for("signal-exit emitter");
    const g = globalThis as Record<symbol, unknown>;
    g[key] = { count: 1 };
    try {
      const { proc, send, exits } = fakeProcess();
      proc.on("SIGTERM", () => {});
      onTerminationSignal(() => Promise.resolve(), { runtime: { process: proc } });
      send("SIGTERM");
      await settled();
      assert.deepEqual(exits, [143]);
      proc.on("SIGTERM", () => {}); // the program's own, beside signal-exit's
      onTerminationSignal(() => Promise.resolve(), { runtime: { process: proc } });
      send("SIGTERM");
      await settled();
      assert.deepEqual(exits, [143], "no second exit");
    } finally {
      delete g[key];
    }
  });
});

Deno.test("onTerminationSignal() unregisters its listeners, which Deno's wrapper never counts", async () => {
  const { deno, send, count, exits } = fakeDeno();
  let calls = 0;
  const off = onTerminationSignal(() => Promise.resolve(void calls++), { runtime: { Deno: deno } });
  assert.equal(count("SIGTERM"), 1);
  const again = onTerminationSignal(() => Promise.resolve(), { runtime: { Deno: deno } });
  again(); // a second hook wraps nothing twice and sees the first as Tusk's
  off();
  assert.equal(count("SIGTERM"), 0);
  assert.equal(count("SIGINT"), 0);
  send("SIGTERM");
  await settled();
  assert.equal(calls, 0);
  assert.deepEqual(exits, []);
});

Deno.test("onTerminationSignal() registers nothing in Cloudflare Workers", () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, "navigator");
  Object.defineProperty(globalThis, "navigator", {
    value: { userAgent: "Cloudflare-Workers" },
    configurable: true,
  });
  try {
    const { proc } = fakeProcess();
    onTerminationSignal(() => Promise.resolve(), { runtime: { process: proc } })();
    onTerminationSignal(() => Promise.resolve(), { runtime: { process: proc } });
    assert.equal(proc.listenerCount("SIGTERM"), 0);
  } finally {
    if (saved) Object.defineProperty(globalThis, "navigator", saved);
  }
});
