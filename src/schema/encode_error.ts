/**
 * The error a column encoder throws for a value it cannot write.
 *
 * @module
 */

/**
 * Thrown by an {@linkcode Encoder} when a value does not fit its column. The message is the
 * bare `reason`, written to follow a column prefix: `column "cpu": ${reason}`.
 *
 * @example Usage
 * ```ts
 * import { EncodeError } from "./encode_error.ts";
 * import { compileEncoder } from "./encode_value.ts";
 * import { parseType } from "./parse_type.ts";
 * try {
 *   compileEncoder(parseType("UInt8"))(300);
 * } catch (error) {
 *   if (error instanceof EncodeError) console.log(`column "x": ${error.reason}`);
 * }
 * ```
 */
export class EncodeError extends Error {
  /** Why the value was refused, e.g. `expected an integer from 0 to 255, got 300`. */
  readonly reason: string;

  /**
   * Creates an error for a refused value.
   *
   * @param reason Why the value was refused; becomes the message.
   */
  constructor(reason: string) {
    super(reason);
    this.name = "EncodeError";
    this.reason = reason;
  }
}
