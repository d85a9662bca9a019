import assert from "node:assert/strict";
import { systemClock } from "../../src/runtime/clock.ts";
import { isCloudflareWorkers, supportsBackgroundTimers } from "../../src/runtime/platform.ts";

function withUserAgent(userAgent: string, fn: () => void): void {
  const saved = Object.getOwnPropertyDescriptor(globalThis, "navigator");
  Object.defineProperty(globalThis, "navigator", { value: { userAgent }, configurable: true });
  try {
    fn();
  } finally {
    if (saved) Object.defineProperty(globalThis, "navigator", saved);
  }
}

Deno.test("isCloudflareWorkers() is true only for the Workers user agent", () => {
  assert.equal(isCloudflareWorkers(), false);
  assert.equal(supportsBackgroundTimers(), true);
  assert.equal(systemClock.backgroundTimers, true);
  withUserAgent("Cloudflare-Workers", () => {
    assert.equal(isCloudflareWorkers(), true);
    assert.equal(supportsBackgroundTimers(), false);
    assert.equal(systemClock.backgroundTimers, false, "systemClock has no repeating timers there");
  });
  assert.equal(isCloudflareWorkers(), false);
});
