/**
 * Whether `value` is a plain record (`{ column: value }`): an object whose
 * prototype is `Object.prototype` (of any realm) or `null`. A `Map`, an array
 * or a class instance is not: taken as a row, it would pass as an object with
 * no columns.
 *
 * @param value Anything.
 * @returns Whether it is a plain record.
 *
 * @example
 * ```ts
 * import { isPlainRecord } from "./plain_record.ts";
 * isPlainRecord({ id: 1 }); // true
 * isPlainRecord(new Map([["id", 1]])); // false
 * ```
 */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || isObjectPrototype(proto);
}

// Object.prototype of another realm (a vm context, an iframe): the end of its
// chain, with a constructor named Object.
function isObjectPrototype(proto: object): boolean {
  if (Object.getPrototypeOf(proto) !== null) return false;
  const constructor = Object.getOwnPropertyDescriptor(proto, "constructor")?.value;
  return typeof constructor === "function" && constructor.name === "Object";
}
