/** A LogTape level name, least severe first: the same names as LogTape's `LogLevel`. */
export type LogTapeLevel = "trace" | "debug" | "info" | "warning" | "error" | "fatal";

/**
 * The parts of a LogTape record the sink reads. LogTape's own `LogRecord`
 * has them all, so a {@linkcode ClickHouseSink} is a LogTape `Sink`; they are
 * spelt out here so that this module's types need nothing of LogTape either.
 */
export interface LogTapeRecord {
  /** The logger's category, e.g. `["my_app", "db"]`. */
  readonly category: readonly string[];
  /** The level. */
  readonly level: LogTapeLevel;
  /** The message: text parts at even indexes, the values between them at odd ones. */
  readonly message: readonly unknown[];
  /** When it was logged, in milliseconds since the Unix epoch. */
  readonly timestamp: number;
  /** The record's properties. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** Where it was logged, when LogTape captured it (LogTape 2.4's `captureSourceLocation`). */
  readonly sourceLocation?: { readonly file?: string; readonly line: number };
}
