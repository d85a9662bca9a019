import assert from "node:assert/strict";
import { TableSchema } from "../../src/batching/table_schema.ts";
import type { RowEncoder } from "../../src/schema/row_encoder.ts";

/** A stand-in encoder: the schema only hands it around. */
const encoder = (name: string) => ({ name }) as unknown as RowEncoder;

/** Schema reads the test answers by hand, in any order. */
function reads() {
  const pending: Array<{ resolve(e: RowEncoder): void; reject(e: Error): void }> = [];
  const read = () => {
    const { promise, resolve, reject } = Promise.withResolvers<RowEncoder>();
    pending.push({ resolve, reject });
    return promise;
  };
  return { read, pending };
}

function setup(shareReads: boolean) {
  const { read, pending } = reads();
  const known: RowEncoder[] = [];
  const schema = new TableSchema(read, (e) => void known.push(e), () => shareReads);
  return { schema, pending, known };
}

Deno.test("TableSchema.load() shares one read when shareReads() is true", async () => {
  const { schema, pending, known } = setup(true);
  const a = schema.load();
  const b = schema.load();
  assert.equal(pending.length, 1, "one read for both callers");
  assert.equal(schema.loading, true);
  const e = encoder("e");
  pending[0]!.resolve(e);
  assert.equal(await a, e);
  assert.equal(await b, e);
  assert.deepEqual(known, [e]);
  assert.equal(schema.loading, false);
});

Deno.test("TableSchema.load() starts its own read when shareReads() is false", async (t) => {
  await t.step("every caller reads", async () => {
    const { schema, pending, known } = setup(false);
    const a = schema.load();
    const b = schema.load();
    assert.equal(pending.length, 2);
    assert.equal(schema.loading, false, "no read is there to share");
    const first = encoder("first");
    pending[1]!.resolve(first);
    assert.equal(await b, first);
    pending[0]!.resolve(encoder("second"));
    assert.equal(await a, first, "the encoder known first stays");
    assert.deepEqual(known, [first], "known() once, for the encoder kept");
  });
  await t.step("a caller does not wait on a read that never settles", async () => {
    const { schema, pending } = setup(false);
    void schema.load(); // its request died: never answered
    const mine = schema.load();
    const e = encoder("e");
    pending[1]!.resolve(e);
    assert.equal(await mine, e);
  });
});

Deno.test("TableSchema.load() answers from the known encoder without reading", async () => {
  const { schema, pending, known } = setup(true);
  const e = encoder("e");
  const first = schema.load();
  pending[0]!.resolve(e);
  await first;
  assert.equal(schema.encoder, e);
  assert.equal(await schema.load(), e);
  assert.equal(pending.length, 1);
  assert.deepEqual(known, [e]);
});

Deno.test("TableSchema calls known() once per encoder, synchronously before load() resolves", async (t) => {
  await t.step(
    "the encoder is set when known() runs, and load()'s callers see it after",
    async () => {
      const { read, pending } = reads();
      const events: string[] = [];
      const schema: TableSchema = new TableSchema(
        read,
        (e) => {
          assert.equal(schema.encoder, e);
          events.push("known");
        },
        () => true,
      );
      const a = schema.load().then(() => events.push("a resolved"));
      const b = schema.load().then(() => events.push("b resolved"));
      assert.equal(schema.encoder, undefined);
      pending[0]!.resolve(encoder("e"));
      await Promise.all([a, b]);
      assert.deepEqual(events, ["known", "a resolved", "b resolved"]);
    },
  );
  await t.step("no other code sees the encoder before known() ran", async () => {
    const { read, pending } = reads();
    let knownRan = false;
    const schema = new TableSchema(read, () => (knownRan = true), () => true);
    const loaded = schema.load();
    // A writer polling on every microtask: the first time it sees the encoder,
    // the held rows must already have been handed to known().
    let sawEncoder: boolean | undefined;
    const poll = (left: number): Promise<void> =>
      Promise.resolve().then(() => {
        if (schema.encoder !== undefined) sawEncoder = knownRan;
        else if (left > 0) return poll(left - 1);
      });
    const polling = poll(20);
    pending[0]!.resolve(encoder("e"));
    await Promise.all([loaded, polling]);
    assert.equal(sawEncoder, true);
  });
  await t.step("a new encoder after invalidate() is known again", async () => {
    const { schema, pending, known } = setup(true);
    const one = encoder("one");
    const two = encoder("two");
    const first = schema.load();
    pending[0]!.resolve(one);
    await first;
    schema.invalidate();
    assert.equal(schema.encoder, undefined);
    const second = schema.load();
    pending[1]!.resolve(two);
    assert.equal(await second, two);
    assert.deepEqual(known, [one, two]);
  });
});

Deno.test("TableSchema.invalidate() during a read ignores that read's answer and reads again", async (t) => {
  for (const shareReads of [true, false]) {
    await t.step(`shareReads() ${shareReads}`, async () => {
      const { schema, pending, known } = setup(shareReads);
      const loaded = schema.load();
      schema.invalidate();
      pending[0]!.resolve(encoder("old server"));
      // The old answer is dropped and a new read starts for the same caller.
      await Promise.resolve();
      await Promise.resolve();
      assert.equal(pending.length, 2, "a second read");
      assert.equal(schema.encoder, undefined, "the old answer is not kept");
      assert.deepEqual(known, []);
      const fresh = encoder("new server");
      pending[1]!.resolve(fresh);
      assert.equal(await loaded, fresh);
      assert.equal(schema.encoder, fresh);
      assert.deepEqual(known, [fresh]);
    });
  }
  await t.step(
    "a load() after invalidate() shares the new read with the first caller",
    async () => {
      const { schema, pending, known } = setup(true);
      const before = schema.load();
      schema.invalidate();
      const after = schema.load();
      assert.equal(pending.length, 2);
      pending[0]!.resolve(encoder("old server"));
      const fresh = encoder("new server");
      pending[1]!.resolve(fresh);
      assert.equal(await before, fresh);
      assert.equal(await after, fresh);
      assert.equal(pending.length, 2, "no third read");
      assert.deepEqual(known, [fresh]);
    },
  );
});

Deno.test("TableSchema.load() rejects when the read fails, and the next load reads again", async () => {
  const { schema, pending, known } = setup(true);
  const failed = schema.load();
  pending[0]!.reject(new Error("Cannot read the columns"));
  await assert.rejects(failed, /Cannot read the columns/);
  assert.equal(schema.loading, false);
  assert.equal(schema.encoder, undefined);
  const retried = schema.load();
  assert.equal(pending.length, 2);
  const e = encoder("e");
  pending[1]!.resolve(e);
  assert.equal(await retried, e);
  assert.deepEqual(known, [e]);
});
