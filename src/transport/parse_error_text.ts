/** The parts of a ClickHouse exception text. */
export interface ErrorText {
  /** `Code: N`, when present. */
  code?: number;
  /** The error name, e.g. `UNKNOWN_TABLE` (modern servers only). */
  type?: string;
  /** The human part of the message. */
  message: string;
  /** The input row a parse error names (`(at row N)`, 1-based), when it names one. */
  row?: number;
}

const CODE = /Code: (\d+)/;
// Both generations name the input row of a parse error: "...: (at row 4)".
const ROW = /\(at row (\d+)\)/;
// Modern: "Code: 60. DB::Exception: Table x does not exist. (UNKNOWN_TABLE) (version 26.7.1)"
const MODERN = /DB::Exception: ([\s\S]*?)\s*\(([A-Z][A-Z0-9_]{2,})\)(?: \(version [^)]*\))?\s*$/;
// 18.x: "Code: 60, e.displayText() = DB::Exception: Table x doesn't exist., e.what() = DB::Exception"
const LEGACY = /DB::Exception: ([\s\S]*?)(?:, e\.what\(\) = [\w:]+)?\s*$/;
const MAX_MESSAGE = 2000;

/**
 * Splits an error body of either generation of ClickHouse into code, type and
 * message. Anything else (a proxy's HTML page, an empty body) keeps its text as
 * the message, trimmed to a sane length.
 *
 * @param text The response body or error message.
 * @returns The parsed parts.
 */
export function parseErrorText(text: string): ErrorText {
  const trimmed = text.trim();
  const code = CODE.exec(trimmed);
  const row = ROW.exec(trimmed);
  const at = row ? { row: Number(row[1]) } : {};
  const modern = MODERN.exec(trimmed);
  if (modern) {
    const type = modern[2];
    return { code: code ? Number(code[1]) : undefined, type, message: clip(modern[1]), ...at };
  }
  const legacy = LEGACY.exec(trimmed);
  return {
    code: code ? Number(code[1]) : undefined,
    message: clip(legacy ? legacy[1] : trimmed),
    ...at,
  };
}

function clip(message: string): string {
  const text = message.trim();
  return text.length > MAX_MESSAGE ? text.slice(0, MAX_MESSAGE) + "…" : text;
}
