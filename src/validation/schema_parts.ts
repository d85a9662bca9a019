import * as v from "valibot";

// Valibot pieces shared by the option parsers of every layer (init(), metric,
// counter, heartbeat, logging) and the YAML configuration, so all of them
// accept the same durations, counts and names.

/** A duration in seconds: finite, not negative. */
export const seconds = v.pipe(v.number(), v.finite(), v.minValue(0));

/** A count of one or more: a safe integer. */
export const positiveInt = v.pipe(v.number(), v.safeInteger(), v.minValue(1));

/** A non-empty string (a name). */
export const nonEmpty = v.pipe(v.string(), v.minLength(1));
