// Exact integer sums: plain numbers while they are safe integers, bigints past 2^53.
import { describeKind } from "../schema/describe_kind.ts";

/** A count: a safe integer, or a bigint once it left the safe range. */
export type Sum = number | bigint;

/**
 * Checks an increment given to `count()`.
 *
 * @param increment What the caller gave.
 * @returns The increment.
 * @throws {TypeError} When it is neither a number nor a bigint.
 * @throws {RangeError} When it is a number that is not a safe integer.
 */
export function checkIncrement(increment: unknown): Sum {
  if (typeof increment === "number") {
    if (Number.isSafeInteger(increment)) return increment;
    throw new RangeError(
      Number.isInteger(increment)
        ? `Cannot count: increment ${increment} is beyond 2^53 and inexact; pass a bigint`
        : `Cannot count: increment must be an integer, got ${increment}`,
    );
  }
  if (typeof increment === "bigint") return increment;
  throw new TypeError(
    `Cannot count: increment must be an integer number or a bigint, got ${describeKind(increment)}`,
  );
}

/**
 * Adds exactly: stays a number while the result is a safe integer.
 *
 * @param sum The sum so far.
 * @param increment The increment.
 * @returns The new sum.
 */
export function addSum(sum: Sum, increment: Sum): Sum {
  if (typeof sum === "number" && typeof increment === "number") {
    const result = sum + increment;
    // Both are safe integers: a result inside the safe range is exact.
    if (Number.isSafeInteger(result)) return result;
  }
  return BigInt(sum) + BigInt(increment);
}

/**
 * Whether an increment is below zero.
 *
 * @param increment The increment.
 * @returns `true` when negative.
 */
export function isNegative(increment: Sum): boolean {
  return typeof increment === "number" ? increment < 0 : increment < 0n;
}
