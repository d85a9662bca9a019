/** Any function: the library entry point a caller is found above. */
// deno-lint-ignore no-explicit-any
export type AnyFunction = (...args: any[]) => unknown;

/** Where a log call came from. */
export interface Caller {
  /** The source file's base name, e.g. `example.ts`. */
  file: string;
  /** The line of the call. */
  line: number;
  /** The file's full location as the stack gives it (a path or a URL). */
  path: string;
}

type StackApi = {
  captureStackTrace?: (holder: object, above?: AnyFunction) => void;
  stackTraceLimit?: number;
  prepareStackTrace?: (error: unknown, sites: CallSite[]) => unknown;
};

// V8's structured stack frames (Deno, Node, Workers; Bun mimics them).
interface CallSite {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null | undefined;
}

const E = Error as unknown as StackApi;
const canCapture = typeof E.captureStackTrace === "function";
// Runtime internals: Node (`node:`), Deno (`ext:`), Bun (`bun:`, `native`).
const INTERNAL = /^(?:node:|ext:|bun:|internal[/:]|native|\[native code\])/;

/**
 * Reads one stack frame line, in V8's form (`    at fn (file:///x.ts:12:5)`,
 * `    at file:///x.ts:12:5`, used by Deno, Node, Workers and Bun) or
 * JavaScriptCore's (`fn@/x.ts:12:5`).
 *
 * @param text One line of `error.stack`.
 * @returns The full file location and line, or `undefined` for a line that is no frame.
 */
export function parseFrame(text: string): { path: string; line: number } | undefined {
  let where = text.trim();
  if (where.endsWith(")")) {
    const open = where.lastIndexOf("(");
    if (open < 0) return undefined;
    where = where.slice(open + 1, -1);
  } else if (where.startsWith("at ")) {
    where = where.slice(where.startsWith("at async ") ? 9 : 3);
  } else {
    const at = where.indexOf("@");
    if (at < 0) return undefined;
    where = where.slice(at + 1);
  }
  const match = /^(.+?):(\d+)(?::\d+)?$/.exec(where);
  if (match === null) return undefined;
  return { path: match[1]!, line: Number(match[2]) };
}

/**
 * The base name of a file path or URL, without a query or fragment.
 *
 * @param path `file:///a/b/example.ts`, `/a/b/example.ts`, `C:\a\example.ts`...
 * @returns `example.ts`.
 */
export function baseName(path: string): string {
  const end = path.search(/[?#]/);
  const clean = end < 0 ? path : path.slice(0, end);
  return clean.slice(Math.max(clean.lastIndexOf("/"), clean.lastIndexOf("\\")) + 1);
}

/**
 * The first frame of a stack that is neither the runtime's nor Tusk's logging.
 *
 * @param stack An `error.stack`.
 * @param ownPrefix Locations starting with it are the library's own frames.
 * @returns The caller, or `undefined` when no frame qualifies.
 */
export function callerFromStack(
  stack: string | undefined,
  ownPrefix: string | undefined = ownPrefixOrUndefined(),
): Caller | undefined {
  if (typeof stack !== "string") return undefined;
  let start = 0;
  while (start < stack.length) {
    let end = stack.indexOf("\n", start);
    if (end < 0) end = stack.length;
    const frame = parseFrame(stack.slice(start, end));
    start = end + 1;
    if (frame === undefined || INTERNAL.test(frame.path) || frame.path.includes("<anonymous>")) {
      continue;
    }
    if (ownPrefix !== undefined && frame.path.startsWith(ownPrefix)) continue;
    return { file: baseName(frame.path), line: frame.line, path: frame.path };
  }
  return undefined;
}

/**
 * Finds who called `above` (a logger method or a console wrapper). Where the
 * engine can skip frames (V8, JavaScriptCore), only one frame is captured and
 * formatted; otherwise the whole stack is read, skipping Tusk's own frames.
 * Callers must not reach this through a `return f()` tail call: Bun
 * eliminates such frames.
 *
 * @param above The library function the application called.
 * @returns The caller, or `undefined` when the stack does not tell.
 */
export function captureCaller(above: AnyFunction): Caller | undefined {
  if (canCapture) {
    const site = structuredCaller(above);
    if (site !== undefined) return site;
    const holder: { stack?: string } = {};
    const limit = E.stackTraceLimit;
    try {
      E.stackTraceLimit = 1;
      E.captureStackTrace!(holder, above);
    } finally {
      E.stackTraceLimit = limit;
    }
    const found = callerFromStack(holder.stack);
    if (found !== undefined) return found;
  }
  const found = callerFromStack(new Error().stack);
  return found;
}

// Asking for structured frames skips formatting the stack as text, which in
// Deno (source-mapped TypeScript) costs several times more than capturing it.
// Returns undefined where the engine gives no structured frame, or where the
// frame is the runtime's own; the text path then decides.
function structuredCaller(above: AnyFunction): Caller | undefined {
  const holder: { stack?: unknown } = {};
  const prepare = E.prepareStackTrace;
  const limit = E.stackTraceLimit;
  try {
    E.prepareStackTrace = returnSites;
    E.stackTraceLimit = 1;
    E.captureStackTrace!(holder, above);
    const sites = holder.stack;
    if (!Array.isArray(sites) || sites.length === 0) return undefined;
    const site = sites[0] as Partial<CallSite>;
    const path = site.getFileName?.();
    const line = site.getLineNumber?.();
    if (typeof path !== "string" || typeof line !== "number" || INTERNAL.test(path)) {
      return undefined;
    }
    if (OWN_PREFIX !== undefined && path.startsWith(OWN_PREFIX)) return undefined;
    return { file: baseName(path), line, path };
  } catch {
    return undefined;
  } finally {
    E.prepareStackTrace = prepare;
    E.stackTraceLimit = limit;
  }
}

function returnSites(_error: unknown, sites: CallSite[]): CallSite[] {
  return sites;
}

// The folder of this file as the engine writes it in stacks, so frames of
// every file beside it are skipped. In a bundle (one file for all code) this
// file's own name is gone and nothing is skipped by place.
const OWN_PREFIX: string | undefined = (() => {
  try {
    const path = firstPath(new Error().stack);
    if (path === undefined || !/^caller\.[cm]?[jt]s$/.test(baseName(path))) return undefined;
    return path.slice(0, path.length - baseName(path).length);
  } catch {
    return undefined;
  }
})();

function ownPrefixOrUndefined(): string | undefined {
  return OWN_PREFIX;
}

function firstPath(stack: string | undefined): string | undefined {
  for (const line of (stack ?? "").split("\n")) {
    const frame = parseFrame(line);
    if (frame !== undefined) return frame.path;
  }
  return undefined;
}
