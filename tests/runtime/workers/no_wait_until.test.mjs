// Rows written in a Worker request that does not flush (no ctx.waitUntil, a thrown error, a flush
// neither awaited nor given to waitUntil) must go with a later request's flush, whichever request
// wrote to the table first. workerd delivers no I/O result to a request that has ended (see the
// last test), so nothing such a request started may hold later requests' rows back.
//
// Each scenario runs in a fresh isolate (miniflare) with its own client and a fresh database on a
// real engine; its requests run one after another through the harness's `/__nwu/step` route, and
// the rows are read back over raw HTTP after the responses.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { countRows, dropDatabase, selectRows, sql, testEngines } from "../_shared/engines.mjs";
import { bundleHarness, startWorker } from "../_shared/workerd.mjs";

/** How long a request may take to answer, and the rows to arrive after the last answer. */
const ANSWER_MS = 3_000;
const ARRIVAL_MS = 3_000;
const ROWS_PER_STEP = 3;

const engines = testEngines();
const script = await bundleHarness();

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends one request; `{ status, body }`, or `{ hung: true }` when it did not answer in time. */
async function send(mf, url) {
  const answer = mf.dispatchFetch(url).then(
    async (res) => ({ status: res.status, body: (await res.text()).trim() }),
    (error) => ({ error: String(error) }),
  );
  const timeout = sleep(ANSWER_MS).then(() => ({ hung: true }));
  return await Promise.race([answer, timeout]);
}

/** Distinct and total rows per step tag, in the scenario's requests or logs table. */
async function rowsByTag(engine, db, kind) {
  const query = kind === "log"
    ? `SELECT splitByChar(' ', message)[1] AS tag, uniqExact(message) AS distinct, ` +
      `count() AS total FROM ${db}.logs GROUP BY tag`
    : `SELECT path AS tag, uniqExact(status) AS distinct, count() AS total FROM ${db}.requests ` +
      `GROUP BY tag`;
  const found = {};
  for (const row of await selectRows(engine, query)) {
    found[row.tag] = { distinct: Number(row.distinct), total: Number(row.total) };
  }
  return found;
}

/**
 * Runs `steps` (each `{ then, kind?, logging?, rows? }`, see `/__nwu/step` in _harness.ts) in a
 * fresh isolate, then waits for the rows; returns what each request answered and what arrived.
 */
async function runScenario(engine, name, steps) {
  const db = `tusk_rt_nwu_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const time = engine.modern ? "DateTime64(3)" : "DateTime";
  await sql(engine, `CREATE DATABASE ${db}`);
  await sql(
    engine,
    `CREATE TABLE ${db}.requests (path String, method String, status UInt16, datetime ${time}) ` +
      "ENGINE = Memory",
  );
  await sql(
    engine,
    `CREATE TABLE ${db}.logs (app String, datetime ${time}, level Int8, logger String, ` +
      "line UInt32, error String, message String, stacktrace String) ENGINE = Memory",
  );
  const worker = await startWorker(script, engine, { quiet: true });
  try {
    const answers = [];
    const expected = {};
    for (const [i, step] of steps.entries()) {
      const tag = `${name}-${i + 1}-${step.then}`;
      const rows = step.rows ?? ROWS_PER_STEP;
      if (rows > 0) expected[tag] = rows;
      const params = new URLSearchParams({
        client: `nwu_${name}`,
        db,
        kind: step.kind ?? "metric",
        rows: String(rows),
        tag,
        then: step.then,
        logging: step.logging ? "1" : "0",
      });
      const answer = await send(worker.mf, `http://worker/__nwu/step?${params}`);
      answers.push({ tag, ...answer, body: answer.body?.split("\n")[0] });
    }
    const kind = steps[0].kind ?? "metric";
    const deadline = Date.now() + ARRIVAL_MS;
    let found;
    for (;;) {
      found = await rowsByTag(engine, db, kind);
      const complete = Object.entries(expected).every(([tag, n]) => found[tag]?.distinct === n);
      if (complete || Date.now() > deadline) break;
      await sleep(100);
    }
    const stats = {};
    const all = await send(worker.mf, "http://worker/__stats");
    for (const [key, value] of Object.entries(all.body ? JSON.parse(all.body).stats : {})) {
      if (key.startsWith("nwu_")) stats[key] = value;
    }
    return { answers, expected, found, stats, stderr: worker.stderr() };
  } finally {
    await worker.dispose();
    await dropDatabase(engine, db);
  }
}

/**
 * Every request that flushes answered (an awaited flush resolved), and every row of every request
 * arrived; rows stored more than once are only noted.
 */
function assertEveryRowArrived(t, result, steps) {
  const problems = [];
  for (const [i, step] of steps.entries()) {
    const answer = result.answers[i];
    if (step.then === "throw") continue; // its answer is workerd's error page
    if (answer.hung) problems.push(`${answer.tag}: no answer within ${ANSWER_MS} ms`);
    else if (answer.status !== 200 || answer.error) {
      problems.push(`${answer.tag}: answered ${JSON.stringify(answer)}`);
    } else if (step.then === "await" && answer.body !== JSON.stringify({ flushed: true })) {
      problems.push(`${answer.tag}: flush() rejected: ${answer.body}`);
    }
  }
  for (const [tag, n] of Object.entries(result.expected)) {
    const arrived = result.found[tag]?.distinct ?? 0;
    if (arrived !== n) problems.push(`${tag}: ${arrived} of ${n} rows arrived`);
  }
  const twice = Object.entries(result.found).filter(([, f]) => f.total > f.distinct);
  if (twice.length > 0) t.diagnostic(`rows stored more than once: ${JSON.stringify(twice)}`);
  const details = JSON.stringify({
    answers: result.answers,
    found: result.found,
    stats: result.stats,
  });
  t.diagnostic(details);
  assert.deepEqual(problems, [], details);
}

test("engines are given (TUSK_TEST_CH18_URL / TUSK_TEST_CHDB_URL)", () => {
  assert.ok(engines.length > 0, "run through `npm test`, or export the engines' URLs");
});

for (const engine of engines) {
  describe(`workerd [${engine.name}]: rows of requests that do not flush`, () => {
    const scenario = (name, steps) => async (t) => {
      assertEveryRowArrived(t, await runScenario(engine, name, steps), steps);
    };

    test(
      "a table's first write in a request without waitUntil, then a throwing request, then " +
        "requests that flush: every row arrives and every flush answers",
      scenario("first_write_no_flush", [
        { then: "return" },
        { then: "throw" },
        { then: "wait_until" },
        { then: "await" },
      ]),
    );

    test(
      "a table's first write in a request that flushes, then requests without waitUntil or " +
        "that throw, then requests that flush: every row arrives",
      scenario("first_write_flushed", [
        { then: "wait_until" },
        { then: "return" },
        { then: "throw" },
        { then: "wait_until" },
        { then: "await" },
      ]),
    );

    test(
      "logging.init in a request that flushes, then console.log on an early return, then a " +
        "throwing request, then requests that flush: every log row arrives",
      scenario("logs_early_return", [
        { kind: "log", logging: true, rows: 0, then: "wait_until" },
        { kind: "log", then: "return" },
        { kind: "log", then: "throw" },
        { kind: "log", then: "wait_until" },
        { kind: "log", then: "await" },
      ]),
    );

    test(
      "logging.init and console.log in a request without waitUntil, then requests that flush: " +
        "every log row arrives",
      scenario("logs_first_no_flush", [
        { kind: "log", logging: true, then: "return" },
        { kind: "log", then: "throw" },
        { kind: "log", then: "wait_until" },
        { kind: "log", then: "await" },
      ]),
    );

    test(
      "logging.init and console.log in a request that awaits its flush, then console.log on an " +
        "early return, then requests that flush: every log row arrives",
      scenario("logs_first_flushed", [
        { kind: "log", logging: true, then: "await" },
        { kind: "log", then: "return" },
        { kind: "log", then: "throw" },
        { kind: "log", then: "wait_until" },
        { kind: "log", then: "await" },
      ]),
    );

    test(
      "a table's first write in a request that starts flush() without awaiting it or waitUntil, " +
        "then requests that flush: every row arrives and every flush answers",
      scenario("first_write_fire_and_forget", [
        { then: "fire_and_forget" },
        { then: "wait_until" },
        { then: "await" },
      ]),
    );

    test(
      "flush() started without awaiting it or waitUntil once the schema is known (its insert is " +
        "cut off with the request), then requests that flush: every row arrives",
      scenario("send_fire_and_forget", [
        { then: "await" },
        { then: "fire_and_forget" },
        { then: "wait_until" },
        { then: "await" },
      ]),
    );
  });
}

// What the scenarios above rely on, shown without the library (harness route `/__nwu/probe/*`):
// workerd cuts a request's I/O and timers off when the request ends (an INSERT already sent still
// reaches the server, but its answer is lost), so a later request that awaits them waits forever
// (no error); only ctx.waitUntil keeps them alive, and even then an I/O object (a response body)
// cannot be read from another request.
describe("workerd: a promise made in one request and awaited in another", () => {
  const engine = engines[0];
  let worker;
  before(async () => {
    if (engine) worker = await startWorker(script, engine, { quiet: true });
  });
  after(async () => await worker?.dispose());

  /** Starts `what` in one request, then awaits it in another (against a 1.5 s timer there). */
  const probe = async (what, wait = 0) => {
    await send(worker.mf, `http://worker/__nwu/probe/start?what=${what}`);
    if (wait > 0) await sleep(wait);
    return JSON.parse((await send(worker.mf, "http://worker/__nwu/probe/await?race=1500")).body);
  };

  test("a fetch left running by a request that ended never settles in a later one", async () => {
    const result = await probe("fetch");
    assert.equal(result.outcome, "timer", JSON.stringify(result));
  });

  test("it never settles even when the later request comes after the server answered", async () => {
    const result = await probe("fetch", 1_500); // the query takes 1 s
    assert.equal(result.outcome, "timer", JSON.stringify(result));
  });

  test("a setTimeout left running by a request that ended never fires", async () => {
    const result = await probe("timer", 500); // it was due after 300 ms
    assert.equal(result.outcome, "timer", JSON.stringify(result));
  });

  test("an INSERT left running by a request that ended still reaches the server", async () => {
    // So a batch whose answer was cut off may be stored: sending it again can store it twice.
    const db = `tusk_rt_nwu_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
    await sql(engine, `CREATE DATABASE ${db}`);
    try {
      await sql(engine, `CREATE TABLE ${db}.t (x UInt8) ENGINE = Memory`);
      const insert = encodeURIComponent(`INSERT INTO ${db}.t VALUES (1)`);
      await send(worker.mf, `http://worker/__nwu/probe/start?what=fetch&sql=${insert}`);
      let stored = 0;
      for (const deadline = Date.now() + 2_000; stored === 0 && Date.now() < deadline;) {
        await sleep(100);
        stored = await countRows(engine, `${db}.t`);
      }
      assert.equal(stored, 1);
    } finally {
      await dropDatabase(engine, db);
    }
  });

  test("a fetch given to ctx.waitUntil settles, and a later request gets its result", async () => {
    const result = await probe("fetch_wait_until");
    assert.equal(result.outcome, "resolved", JSON.stringify(result));
  });

  test("a response body of an ended request cannot be read in a later one, even with waitUntil", async () => {
    const result = await probe("response_wait_until", 1_500);
    assert.equal(result.outcome, "rejected", JSON.stringify(result));
    assert.match(result.error, /Cannot perform I\/O on behalf of a different request/);
  });

  test("a promise of an ended request resolved by a later one resolves there (workerd warns)", async () => {
    const result = await probe("deferred");
    assert.equal(result.outcome, "resolved", JSON.stringify(result));
    assert.match(worker.stderr(), /resolved or rejected from a different request context/);
  });
});
