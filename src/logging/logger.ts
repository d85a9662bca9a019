import { levelNumber, type LogLevel } from "./levels.ts";
import type { LogFields, LogSink } from "./log_sink.ts";

/**
 * A log method. Its arguments are formatted as the console formats them
 * (`logger.warning("disk %s at %d%%", "/var", 91)`); of the arguments the
 * format string does not use, a trailing plain object is structured fields
 * (for `contextColumns`) and a trailing `Error` (before the fields, if any)
 * fills the `error` and `stacktrace` columns.
 */
export type LogMethod = (message: unknown, ...args: unknown[]) => void;

/**
 * Writes log rows through the sink `init` set up; before `init`, after
 * `stop()` and below the level, a call does nothing. No method ever throws.
 */
export interface Logger {
  /** The name given to `getLogger` (`""` for the root logger). */
  readonly name: string;
  /** Level 5. */
  readonly debug: LogMethod;
  /** Level 4. */
  readonly info: LogMethod;
  /** Level 3. */
  readonly warning: LogMethod;
  /** Level 3 (same as `warning`). */
  readonly warn: LogMethod;
  /** Level 2. */
  readonly error: LogMethod;
  /** Level 2, with the error's name and stack in the `error` and `stacktrace` columns. */
  readonly exception: (message: unknown, error: unknown, fields?: LogFields) => void;
  /** Level 1. */
  readonly critical: LogMethod;
  /** At a level given by name or number; an unknown level is reported, not thrown. */
  readonly log: (level: LogLevel | number, message: unknown, ...args: unknown[]) => void;
}

let sink: LogSink | undefined;
const loggers = new Map<string, Logger>();

/**
 * Sets (or clears) the sink every logger writes through.
 *
 * @param next The sink of the latest `init`, or `undefined` after `stop()`.
 */
export function setSink(next: LogSink | undefined): void {
  sink = next;
}

/**
 * The sink every logger writes through.
 *
 * @returns The sink, or `undefined` when logging is not started.
 */
export function getSink(): LogSink | undefined {
  return sink;
}

/**
 * Returns the logger of that name (the same object for the same name). The
 * `logger` column holds the calling file's base name, as the original's did;
 * the name is used only when the stack names no file.
 *
 * @param name The logger's name.
 * @default {""}
 * @returns The logger.
 *
 * @example
 * ```ts
 * import * as logging from "@tusk/clickhouse/logging";
 * const logger = logging.getLogger();
 * logger.info("Hello world!");
 * logger.warning("Disk %s almost full", "/var");
 * logger.info("served", { requestId: "r-1" }); // fields, for contextColumns
 * ```
 */
export function getLogger(name = ""): Logger {
  let logger = loggers.get(name);
  if (logger === undefined) {
    logger = makeLogger(String(name));
    loggers.set(name, logger);
  }
  return logger;
}

// Methods are closures, so they work detached (`const { info } = logger`),
// and each passes itself as the frame above which the caller is found. None
// calls on in tail position: Bun would drop its frame from the stack.
function makeLogger(name: string): Logger {
  const at = (level: number): LogMethod => {
    const method = (message: unknown, ...args: unknown[]): void => {
      const current = sink;
      if (current === undefined || level > current.threshold) return;
      current.log(level, message, args, method, name);
    };
    return method;
  };
  const exception = (message: unknown, error: unknown, fields?: LogFields): void => {
    const current = sink;
    if (current === undefined || current.threshold < 2) return;
    current.log(2, message, fields === undefined ? [] : [fields], exception, name, error);
  };
  const log = (level: LogLevel | number, message: unknown, ...args: unknown[]): void => {
    const current = sink;
    if (current === undefined) return;
    const number = levelNumber(level);
    if (number === undefined) {
      current.problem(new TypeError(`Cannot log: unknown level ${JSON.stringify(String(level))}`));
      return;
    }
    if (number > current.threshold) return;
    current.log(number, message, args, log, name);
  };
  return Object.freeze({
    name,
    debug: at(5),
    info: at(4),
    warning: at(3),
    warn: at(3),
    error: at(2),
    exception,
    critical: at(1),
    log,
  });
}
