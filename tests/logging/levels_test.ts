import assert from "node:assert/strict";
import { levelNumber, LEVELS } from "../../src/logging/levels.ts";
import { CONSOLE_LEVELS } from "../../src/logging/console_adapter.ts";

Deno.test("LEVELS numbers levels as the original: critical 1 ... debug 5", () => {
  assert.deepEqual(LEVELS, { critical: 1, error: 2, warning: 3, warn: 3, info: 4, debug: 5 });
  assert.deepEqual(CONSOLE_LEVELS, { error: 2, warn: 3, info: 4, log: 4, debug: 5 });
});

Deno.test("levelNumber() accepts names and 1..5, nothing else", () => {
  assert.equal(levelNumber("warning"), 3);
  assert.equal(levelNumber(5), 5);
  for (const bad of [0, 6, 2.5, "loud", "toString", null, undefined]) {
    assert.equal(levelNumber(bad), undefined, String(bad));
  }
});
