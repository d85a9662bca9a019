/**
 * The console methods as they were when Tusk loaded, captured before any
 * interception, so that the library's own problems are printed without ever
 * flowing back into a log table.
 */
export const originalConsole: Readonly<{
  error: (...args: unknown[]) => void;
  warn: (...args: unknown[]) => void;
}> = {
  error: globalThis.console.error.bind(globalThis.console),
  warn: globalThis.console.warn.bind(globalThis.console),
};
