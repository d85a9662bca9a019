import * as v from "valibot";
import { hostProblem } from "./host_problem.ts";
import { urlProblem } from "./url_problem.ts";

// Valibot pieces shared by the option parsers of every layer (init(), metric,
// counter, heartbeat, logging) and the YAML configuration, so all of them
// accept the same durations, counts and names.

/** A duration in seconds: finite, not negative. */
export const seconds = v.pipe(v.number(), v.finite(), v.minValue(0));

/** A count of one or more: a safe integer. */
export const positiveInt = v.pipe(v.number(), v.safeInteger(), v.minValue(1));

/** A non-empty string (a name). */
export const nonEmpty = v.pipe(v.string(), v.minLength(1));

/** A TCP port, 1 to 65535. */
export const port = v.pipe(
  v.number(),
  v.check(
    (n) => Number.isInteger(n) && n >= 1 && n <= 65535,
    (i) =>
      Number.isInteger(i.input)
        ? `port ${i.input} is out of range (1-65535)`
        : `expected a whole number, got ${i.input}`,
  ),
);

/**
 * An http(s) URL; a bad one is refused saying what is wrong (the port, an IPv6
 * literal, a space in the host), its password masked.
 */
export const httpUrl = v.pipe(
  v.string(),
  v.check((text) => urlProblem(text) === undefined, (i) => urlProblem(String(i.input)) ?? ""),
);

/** A host name or address alone: no credentials, port or path. */
export const host = v.pipe(
  v.string(),
  v.check((text) => hostProblem(text) === undefined, (i) => hostProblem(String(i.input)) ?? ""),
);
