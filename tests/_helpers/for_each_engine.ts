import * as tusk from "../../mod.ts";
import { allEngines, type TestEngine } from "./engines.ts";

/**
 * Registers one test per engine, named `<name> [<engine>]`; an absent engine's
 * test is ignored with the reason printed once.
 */
export function forEachEngine(name: string, fn: (engine: TestEngine) => Promise<void>): void {
  for (const { name: engineName, engine } of allEngines()) {
    Deno.test({
      name: `${name} [${engineName}]`,
      ignore: engine === undefined,
      fn: () => fn(engine!),
    });
  }
}

/** Polls `condition` every 10 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A unique client name for one test, so tests never share buffered rows. */
export function uniqueClient(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

/** `tusk.init()` against a test engine, as client `clientName`, with `extra` options. */
export function connect(
  engine: TestEngine,
  clientName: string,
  extra: tusk.InitOptions = {},
): tusk.TuskClient {
  return tusk.init({
    url: engine.url,
    user: engine.user,
    password: engine.password,
    clientName,
    ...extra,
  });
}
