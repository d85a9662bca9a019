// Tokenizer for ClickHouse type text. Every reader either advances `pos` or throws, so the
// recursive-descent parser on top of it cannot loop on malformed input.

/** Parser state: the text, the read position and the nesting depth. */
export type Cursor = { text: string; pos: number; depth: number };

const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "0": "\0",
  b: "\b",
  f: "\f",
  a: "\x07",
  v: "\v",
  e: "\x1b",
};

/** Throws the `SyntaxError` every parse failure becomes. */
export function fail(c: Cursor, expected: string): never {
  const shown = c.text.length > 200 ? `${c.text.slice(0, 200)}...` : c.text;
  throw new SyntaxError(
    `Cannot parse column type "${shown}": expected ${expected} at position ${c.pos}`,
  );
}

/** Skips whitespace and returns the next character ("" at the end). */
export function peek(c: Cursor): string {
  const { text } = c;
  while (c.pos < text.length && " \t\n\r".includes(text[c.pos])) c.pos++;
  return c.pos < text.length ? text[c.pos] : "";
}

/** Consumes `ch` if it comes next. */
export function eat(c: Cursor, ch: string): boolean {
  if (peek(c) !== ch) return false;
  c.pos++;
  return true;
}

/** Consumes `ch` or throws. */
export function expect(c: Cursor, ch: string): void {
  if (!eat(c, ch)) fail(c, `"${ch}"`);
}

/** Tells whether `ch` can start a bare or quoted identifier. */
export function isIdentStart(ch: string): boolean {
  return ch === "`" || ch === '"' || ch === "_" || (ch >= "a" && ch <= "z") ||
    (ch >= "A" && ch <= "Z");
}

/** Reads a bare identifier, or a `back-quoted` / "double-quoted" one. */
export function readIdent(c: Cursor): string {
  const ch = peek(c);
  if (ch === "`" || ch === '"') return readQuoted(c, ch);
  if (!isIdentStart(ch)) fail(c, "a name");
  const match = /[A-Za-z0-9_]*/y;
  match.lastIndex = c.pos;
  match.test(c.text);
  const name = c.text.slice(c.pos, match.lastIndex);
  c.pos = match.lastIndex;
  return name;
}

/** Reads a `'...'` literal (or another quote char) with backslash escapes and doubling. */
export function readQuoted(c: Cursor, quote = "'"): string {
  if (peek(c) !== quote) fail(c, `a ${quote}-quoted string`);
  const { text } = c;
  let out = "";
  let i = c.pos + 1;
  for (;;) {
    if (i >= text.length) {
      c.pos = i;
      fail(c, `closing ${quote}`);
    }
    const ch = text[i++];
    if (ch === quote) {
      if (text[i] !== quote) break;
      out += quote;
      i++;
    } else if (ch === "\\" && i < text.length) {
      const esc = text[i++];
      if (esc === "x" && /^[0-9a-fA-F]{2}$/.test(text.slice(i, i + 2))) {
        out += String.fromCharCode(parseInt(text.slice(i, i + 2), 16));
        i += 2;
      } else out += ESCAPES[esc] ?? esc;
    } else out += ch;
  }
  c.pos = i;
  return out;
}

/** Reads an optionally signed decimal integer that fits in a safe JS integer. */
export function readInt(c: Cursor): number {
  peek(c);
  const match = /[-+]?[0-9]+/y;
  match.lastIndex = c.pos;
  if (!match.test(c.text)) fail(c, "an integer");
  const value = Number(c.text.slice(c.pos, match.lastIndex));
  if (!Number.isSafeInteger(value)) fail(c, "a smaller integer");
  c.pos = match.lastIndex;
  return value;
}

/** Skips a parenthesised argument list (the "(" is already consumed), honouring quotes. */
export function skipArguments(c: Cursor): void {
  let open = 1;
  while (open > 0) {
    const ch = peek(c);
    if (ch === "") fail(c, '")"');
    if (ch === "'" || ch === "`" || ch === '"') readQuoted(c, ch);
    else {
      if (ch === "(") open++;
      else if (ch === ")") open--;
      c.pos++;
    }
  }
}
