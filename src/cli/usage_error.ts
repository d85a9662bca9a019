/**
 * A command line used wrongly (an unknown option, a missing value, no table
 * to check) or a server it cannot use: printed as one line, exit code 2.
 */
export class UsageError extends Error {
  /**
   * @param message What is wrong and what to do, in one line.
   * @param options The underlying error, if any.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UsageError";
  }
}
