/**
 * Replaces every occurrence of known secret values in a message, longest
 * first (so a secret that contains another is replaced whole).
 *
 * @param text The message.
 * @param secrets Each secret value with what stands for it (`***`, or
 * `${CH_PASSWORD}` for a value read from that variable).
 * @returns The message without the secrets.
 *
 * @example
 * ```ts
 * import { redact } from "./redact.ts";
 * redact('expected a number, got "P@ss"', new Map([["P@ss", "${PW}"]]));
 * // 'expected a number, got "${PW}"'
 * ```
 */
export function redact(text: string, secrets: ReadonlyMap<string, string>): string {
  const values = [...secrets.keys()].filter((s) => s !== "").sort((a, b) => b.length - a.length);
  let out = text;
  for (const value of values) {
    for (const form of new Set([value, encodeURIComponent(value)])) {
      out = out.replaceAll(form, secrets.get(value)!);
    }
  }
  return out;
}
