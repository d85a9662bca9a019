// A small, safe rendering of any value, as a console would show it: cycles
// become [Circular], getters are not invoked, depth and width are bounded, and
// nothing a hostile value does (throwing traps, toString) escapes.

const MAX_ITEMS = 100;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Renders a value for a log message.
 *
 * @param value Anything.
 * @param depth How many levels of nesting to show.
 * @returns The text; `"[unprintable]"` when the value resists.
 */
export function inspect(value: unknown, depth = 4): string {
  try {
    return show(value, depth, new Set());
  } catch {
    return "[unprintable]";
  }
}

/**
 * The first line of an error as a console shows it: `TypeError: message`.
 *
 * @param error An error.
 * @returns The text.
 */
export function errorTitle(error: Error): string {
  const name = String(error.name ?? "Error");
  const message = String(error.message ?? "");
  return message === "" ? name : `${name}: ${message}`;
}

function show(value: unknown, depth: number, seen: Set<object>): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return `${value}n`;
    case "boolean":
    case "undefined":
      return String(value);
    case "symbol":
      return value.toString();
    case "function":
      return showFunction(value);
  }
  if (value === null) return "null";
  const object = value as object;
  if (seen.has(object)) return "[Circular]";
  if (object instanceof Date) {
    return Number.isNaN(object.getTime()) ? "Invalid Date" : object.toISOString();
  }
  if (object instanceof RegExp) return String(object);
  if (object instanceof Error) return `[${errorTitle(object)}]`;
  if (object instanceof Promise) return "Promise { <unknown> }";
  if (object instanceof WeakMap || object instanceof WeakSet) {
    return `${object.constructor.name} { <items unknown> }`;
  }
  if (depth < 0) return Array.isArray(object) ? "[Array]" : "[Object]";
  seen.add(object);
  try {
    return showContainer(object, depth, seen);
  } finally {
    seen.delete(object);
  }
}

function showContainer(object: object, depth: number, seen: Set<object>): string {
  const inner = (v: unknown) => show(v, depth - 1, seen);
  if (Array.isArray(object)) {
    return list("", "[", "]", object.slice(0, MAX_ITEMS).map(inner), object.length);
  }
  if (object instanceof Map) {
    const items = [...object].slice(0, MAX_ITEMS).map(([k, v]) => `${inner(k)} => ${inner(v)}`);
    return list(`Map(${object.size}) `, "{", "}", items, object.size);
  }
  if (object instanceof Set) {
    return list(
      `Set(${object.size}) `,
      "{",
      "}",
      [...object].slice(0, MAX_ITEMS).map(inner),
      object.size,
    );
  }
  if (ArrayBuffer.isView(object) && !(object instanceof DataView)) {
    const array = object as unknown as ArrayLike<unknown>;
    const items = Array.from(
      { length: Math.min(array.length, MAX_ITEMS) },
      (_, i) => inner(array[i]),
    );
    return list(`${object.constructor.name}(${array.length}) `, "[", "]", items, array.length);
  }
  const keys = Object.keys(object);
  const items = keys.slice(0, MAX_ITEMS).map((key) => {
    const label = IDENTIFIER.test(key) ? key : JSON.stringify(key);
    const descriptor = Object.getOwnPropertyDescriptor(object, key);
    if (descriptor?.get !== undefined) {
      return `${label}: ${descriptor.set === undefined ? "[Getter]" : "[Getter/Setter]"}`;
    }
    return `${label}: ${inner(descriptor?.value)}`;
  });
  return list(prefixOf(object), "{", "}", items, keys.length);
}

function prefixOf(object: object): string {
  const proto = Object.getPrototypeOf(object);
  if (proto === null) return "[Object: null prototype] ";
  const name = proto.constructor?.name;
  return typeof name === "string" && name !== "" && name !== "Object" ? `${name} ` : "";
}

function list(prefix: string, open: string, close: string, items: string[], total: number): string {
  if (total > items.length) items.push(`... ${total - items.length} more items`);
  return items.length === 0
    ? `${prefix}${open}${close}`
    : `${prefix}${open} ${items.join(", ")} ${close}`;
}

function showFunction(fn: { name: string }): string {
  const isClass = /^class[\s{]/.test(Function.prototype.toString.call(fn));
  const name = fn.name === "" ? "(anonymous)" : fn.name;
  return isClass ? `[class ${name}]` : `[Function: ${name}]`;
}
