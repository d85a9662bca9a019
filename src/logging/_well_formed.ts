// Log text must never cost its row: a lone surrogate (a string cut in the
// middle of an emoji, say) cannot be written as UTF-8, so the String column
// refuses it. Log columns get it replaced by U+FFFD instead, as a decoder
// would; metric columns keep refusing it.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");

type WellFormedText = { isWellFormed(): boolean; toWellFormed(): string };
const native = typeof (String.prototype as Partial<WellFormedText>).toWellFormed === "function";

/**
 * The text with every lone surrogate replaced by U+FFFD; the same string
 * when it is well formed (the usual case costs one native scan).
 *
 * @param text Any string.
 * @returns Well-formed text.
 */
export function wellFormed(text: string): string {
  if (native) return (text as unknown as WellFormedText).toWellFormed();
  return LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATES, "\uFFFD") : text;
}
