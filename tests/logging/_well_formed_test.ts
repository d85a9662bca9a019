import assert from "node:assert/strict";
import { wellFormed } from "../../src/logging/_well_formed.ts";

Deno.test("wellFormed() replaces lone surrogates with U+FFFD and keeps the rest", () => {
  assert.equal(wellFormed("lone surrogate \ud800 here"), "lone surrogate \uFFFD here");
  assert.equal(wellFormed("cut 😀".slice(0, -1)), "cut \uFFFD");
  assert.equal(wellFormed("\udc00 first"), "\uFFFD first");
  assert.equal(wellFormed("pairs 😀 stay"), "pairs 😀 stay");
  assert.equal(wellFormed(""), "");
});
