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

/** What the transport saw of the response an error body came in. */
export interface ErrorResponse {
  /** The HTTP status. */
  status: number;
  /** The `Content-Type` header, if sent. */
  contentType?: string | null;
}

const CODE = /Code: (\d+)/;
// Both generations name the input row of a parse error: "...: (at row 4)".
const ROW = /\(at row (\d+)\)/;
// Modern: "Code: 60. DB::Exception: Table x does not exist. (UNKNOWN_TABLE) (version 26.7.1)"
const MODERN = /DB::Exception: ([\s\S]*?)\s*\(([A-Z][A-Z0-9_]{2,})\)(?: \(version [^)]*\))?\s*$/;
// 18.x: "Code: 60, e.displayText() = DB::Exception: Table x doesn't exist., e.what() = DB::Exception"
const LEGACY = /DB::Exception: ([\s\S]*?)(?:, e\.what\(\) = [\w:]+)?\s*$/;
const MAX_MESSAGE = 2000;
// A summary of a foreign body is one line of at most this many characters, status included.
const MAX_SUMMARY = 200;
// The summary needs only the start of a page; the regular expressions never see more than this.
const MAX_SCANNED = 64 * 1024;

/**
 * Splits an error body of either generation of ClickHouse into code, type and
 * message.
 *
 * Given the `response` the body came in, a body that is not a ClickHouse
 * exception (a proxy's or load balancer's page) is summed up in one line of at
 * most 200 characters: the status, the content type and the first meaningful
 * line (an HTML page's `<title>`, else its first line of text). Without it,
 * such a body keeps its text as the message, trimmed to a sane length.
 *
 * @param text The response body or error message.
 * @param response The status and content type of the response, when the body is read from one.
 * @returns The parsed parts.
 *
 * @example A proxy's page
 * ```ts
 * import { parseErrorText } from "./parse_error_text.ts";
 * const page = "<html><head><title>502 Bad Gateway</title></head><body>...</body></html>";
 * parseErrorText(page, { status: 502, contentType: "text/html" }).message;
 * // "HTTP 502 (text/html): 502 Bad Gateway"
 * ```
 */
export function parseErrorText(text: string, response?: ErrorResponse): ErrorText {
  const trimmed = text.trim();
  if (response !== undefined && !isClickHouseText(trimmed)) {
    return { message: summary(trimmed, response) };
  }
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

// Both generations start with "Code: N" and name an exception (DB::Exception, DB::NetException,
// Poco::Exception...).
function isClickHouseText(text: string): boolean {
  return CODE.test(text) && text.includes("Exception");
}

function clip(message: string): string {
  const text = message.trim();
  return text.length > MAX_MESSAGE ? text.slice(0, MAX_MESSAGE) + "…" : text;
}

// "HTTP 502 (text/html): 502 Bad Gateway": one line, which reads the same when parsed again.
function summary(text: string, response: ErrorResponse): string {
  const type = (response.contentType ?? "").split(";")[0]!.trim().toLowerCase().slice(0, 60);
  const head = `HTTP ${response.status}${type === "" ? "" : ` (${type})`}`;
  const scanned = text.slice(0, MAX_SCANNED);
  const line = type.includes("html") || scanned.startsWith("<")
    ? htmlLine(scanned)
    : firstLine(scanned);
  if (line === "") return head;
  const whole = `${head}: ${line}`;
  if (whole.length <= MAX_SUMMARY) return whole;
  let end = MAX_SUMMARY - 1;
  if (/[\uD800-\uDBFF]/.test(whole[end - 1]!)) end--; // never half an emoji
  return whole.slice(0, end) + "…";
}

// The page's title, else its first line of text.
function htmlLine(page: string): string {
  const title = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(page);
  const named = title === null ? "" : oneLine(decodeEntities(title[1]!.replace(/<[^>]*>/g, "")));
  if (named !== "") return named;
  const text = page
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, "")
    // Inline elements stay within their line; any other tag ends one.
    .replace(/<\/?(?:a|b|i|u|em|strong|span|code|small|font|abbr)\b[^>]*>/gi, "")
    .replace(/<[^>]*>/g, "\n");
  return firstLine(decodeEntities(text));
}

function firstLine(text: string): string {
  for (const line of text.split("\n")) {
    const clean = oneLine(line);
    if (clean !== "") return clean;
  }
  return "";
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]+);/gi, (entity, name: string) => {
    if (name[0] !== "#") return ENTITIES[name.toLowerCase()] ?? entity;
    const point = name[1] === "x" || name[1] === "X"
      ? parseInt(name.slice(2), 16)
      : Number(name.slice(1));
    return point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : entity;
  });
}
