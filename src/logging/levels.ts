/** A level's name, as accepted by `init({ level })` and `logger.log()`. */
export type LogLevel = "critical" | "error" | "warning" | "warn" | "info" | "debug";

/** Level numbers as the original library wrote them: lower is more severe. */
export const LEVELS: Readonly<Record<LogLevel, number>> = {
  critical: 1,
  error: 2,
  warning: 3,
  warn: 3,
  info: 4,
  debug: 5,
};

/** Every accepted level name. */
export const LEVEL_NAMES: readonly LogLevel[] = Object.keys(LEVELS) as LogLevel[];

/**
 * The number of a level given by name or number.
 *
 * @param level A name (`"info"`) or a number from 1 to 5.
 * @returns The number, or `undefined` when it is no level.
 */
export function levelNumber(level: unknown): number | undefined {
  if (typeof level === "number") {
    return Number.isInteger(level) && level >= 1 && level <= 5 ? level : undefined;
  }
  return typeof level === "string" && Object.hasOwn(LEVELS, level)
    ? LEVELS[level as LogLevel]
    : undefined;
}
