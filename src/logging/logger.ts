import { levelNumber, type LogLevel } from "./levels.ts";
import type { LogFields, LogSink } from "./log_sink.ts";

/** A log method: a message, then structured fields (or an `Error`). */
export type LogMethod = (message: unknown, fields?: LogFields | Error) => void;

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
  readonly log: (level: LogLevel | number, message: unknown, fields?: LogFields | Error) => void;
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
 * logger.warning("Disk almost full", { disk: "/var" });
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
    const method = (message: unknown, fields?: LogFields | Error): void => {
      const current = sink;
      if (current === undefined || level > current.threshold) return;
      if (fields instanceof Error) current.log(level, message, fields, undefined, method, name);
      else current.log(level, message, undefined, fields, method, name);
    };
    return method;
  };
  const exception = (message: unknown, error: unknown, fields?: LogFields): void => {
    const current = sink;
    if (current === undefined || current.threshold < 2) return;
    current.log(2, message, error, fields, exception, name);
  };
  const log = (level: LogLevel | number, message: unknown, fields?: LogFields | Error): void => {
    const current = sink;
    if (current === undefined) return;
    const number = levelNumber(level);
    if (number === undefined) {
      current.problem(new TypeError(`Cannot log: unknown level ${JSON.stringify(String(level))}`));
      return;
    }
    if (number > current.threshold) return;
    if (fields instanceof Error) current.log(number, message, fields, undefined, log, name);
    else current.log(number, message, undefined, fields, log, name);
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
