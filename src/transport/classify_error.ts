import { type ClickHouseErrorKind, TuskClickHouseError } from "../errors.ts";
import { parseErrorText } from "./parse_error_text.ts";

/** What the transport saw of a failed response, when one arrived. */
export interface ResponseFacts {
  /** The HTTP status. */
  status: number;
  /** The `X-ClickHouse-Exception-Code` header, if sent. */
  exceptionCode?: string | null;
  /** The `Retry-After` header, if sent (seconds or an HTTP date). */
  retryAfter?: string | null;
}

// Longest wait a Retry-After header may impose (a broken proxy must not stall delivery for days).
const MAX_RETRY_AFTER_MS = 600_000;

/**
 * Reads a `Retry-After` header: delay-seconds or an HTTP date.
 *
 * @param value The header's value.
 * @param now The current time in epoch milliseconds, for dates.
 * @returns The wait in milliseconds (at most 10 minutes), or `undefined` when absent or unreadable.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined || value.trim() === "") return undefined;
  const text = value.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

// Codes that name a missing table, database or column: the schema is stale.
const SCHEMA_CODES = new Set([16, 47, 60, 81, 8, 10]);
// Codes for data the server could not parse or store.
const DATA_CODES = new Set([
  6,
  25,
  26,
  27,
  32,
  33,
  38,
  41,
  53,
  69,
  70,
  72,
  73,
  117,
  131,
  190,
  321,
  352,
  395,
]);
const AUTH_CODES = new Set([192, 193, 194, 195, 497, 516]);
// Transient conditions: overload, limits, timeouts, lost connections, read-only replicas.
const RETRYABLE_CODES = new Set([
  159,
  164,
  202,
  203,
  209,
  210,
  236,
  241,
  242,
  252,
  285,
  319,
  425,
  439,
  999,
]);

// What is wrong with a server certificate the runtime refused, by what each runtime reports:
// Node's and Bun's OpenSSL-style codes (on the error or its cause), Deno's rustls text after
// "invalid peer certificate: " (a name such as UnknownIssuer, or a sentence).
type CertificateProblem = "untrusted" | "name" | "expired" | "not yet valid" | "refused";
const CERTIFICATE_CODES: Record<string, CertificateProblem> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "untrusted",
  UNABLE_TO_GET_ISSUER_CERT: "untrusted",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "untrusted",
  SELF_SIGNED_CERT_IN_CHAIN: "untrusted",
  DEPTH_ZERO_SELF_SIGNED_CERT: "untrusted",
  CERT_UNTRUSTED: "untrusted",
  ERR_TLS_CERT_ALTNAME_INVALID: "name",
  HOSTNAME_MISMATCH: "name",
  CERT_HAS_EXPIRED: "expired",
  CERT_NOT_YET_VALID: "not yet valid",
  CERT_REVOKED: "refused",
  CERT_SIGNATURE_FAILURE: "refused",
  CERT_REJECTED: "refused",
  INVALID_CA: "refused",
  INVALID_PURPOSE: "refused",
  CERT_CHAIN_TOO_LONG: "refused",
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: "refused",
};
const RUSTLS_PROBLEMS: Array<[RegExp, CertificateProblem]> = [
  [/UnknownIssuer|CaUsedAsEndEntity|self.signed/i, "untrusted"],
  [/NotValidForName|not valid for name/i, "name"],
  [/NotValidYet|not valid (yet|before)/i, "not yet valid"],
  [/Expired/i, "expired"],
];
const CERTIFICATE_ADVICE: Record<CertificateProblem, (why: string) => string> = {
  untrusted: (why) =>
    `is not trusted (${why}); give its CA with DENO_CERT (Deno) or ` +
    "NODE_EXTRA_CA_CERTS (Node, Bun, wrangler dev)",
  name: (why) => `does not name this host (${why}); connect with a host name it lists`,
  expired: (why) => `has expired (${why})`,
  "not yet valid": (why) => `is not valid yet (${why}); check the clocks`,
  refused: (why) => `was refused (${why})`,
};

const WORKERD_HIDES_CAUSE =
  " (workerd names the cause, such as an untrusted TLS certificate, in its own log)";

/**
 * The certificate failure somewhere in `error`'s cause chain, as the detail of a
 * `tls` error, or `undefined` when the failure was not about a certificate.
 */
function certificateFailure(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 8 && typeof e === "object" && e !== null; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string" && Object.hasOwn(CERTIFICATE_CODES, code)) {
      return certificateDetail(CERTIFICATE_CODES[code], code);
    }
    const text = typeof message === "string" ? message : "";
    const rustls = /invalid peer certificate: ([^\n]+)/.exec(text);
    if (rustls) {
      const why = rustls[1].trim().slice(0, 200);
      const problem = RUSTLS_PROBLEMS.find(([pattern]) => pattern.test(why))?.[1] ?? "refused";
      return certificateDetail(problem, why);
    }
    // DENO_CERT naming a file Deno cannot read fails every request the same way.
    const caFile = /Failed opening CA file[^\n]*/.exec(text);
    if (caFile) return `TLS: Deno cannot read its CA file (${caFile[0]}); check DENO_CERT`;
    e = cause;
  }
  return undefined;
}

function certificateDetail(problem: CertificateProblem, why: string): string {
  return `TLS: the server's certificate ${CERTIFICATE_ADVICE[problem](why)}`;
}

/**
 * Classifies a failed request into a {@linkcode TuskClickHouseError}: from the
 * HTTP status, the `X-ClickHouse-Exception-Code` header and the `Code: N` in
 * the body (both the 18.x text and the modern one), or from a network error.
 * A server certificate the runtime refused is a `tls` error, not retryable:
 * sending again cannot succeed until the certificate or the trust store changes.
 *
 * @param action What was being done, e.g. `Cannot insert into "db.cpu"`.
 * @param error What the HTTP client threw.
 * @param facts The response's status and headers, when a response arrived.
 * @param queryId The request's query id.
 * @returns The classified error.
 */
export function classifyError(
  action: string,
  error: unknown,
  facts: ResponseFacts | undefined,
  queryId?: string,
): TuskClickHouseError {
  const text = error instanceof Error ? error.message : String(error);
  if (!facts) {
    const tls = certificateFailure(error);
    if (tls !== undefined) {
      return new TuskClickHouseError({
        action,
        detail: tls,
        status: 0,
        kind: "tls",
        retryable: false,
        queryId,
        cause: error,
      });
    }
    const timeout = /timeout|timed out/i.test(text);
    // workerd tells the Worker only this; the reason (a refused certificate among others) goes to
    // its log.
    const hidden = /^internal error; reference = /.test(text) ? WORKERD_HIDES_CAUSE : "";
    return new TuskClickHouseError({
      action,
      detail: timeout ? "request timed out" : `network error: ${text}${hidden}`,
      status: 0,
      kind: timeout ? "timeout" : "network",
      retryable: true,
      queryId,
      cause: error,
    });
  }
  const parsed = parseErrorText(text);
  const headerCode = facts.exceptionCode ? Number(facts.exceptionCode) : undefined;
  const code = Number.isFinite(headerCode) ? headerCode : parsed.code;
  const kind = kindOf(code, facts.status);
  return new TuskClickHouseError({
    action,
    detail: parsed.message || `HTTP ${facts.status}`,
    code,
    type: parsed.type,
    status: facts.status,
    kind,
    retryable: isRetryable(code, facts.status),
    queryId,
    retryAfterMs: parseRetryAfter(facts.retryAfter),
    row: parsed.row,
    cause: error,
  });
}

function kindOf(code: number | undefined, status: number): ClickHouseErrorKind {
  if (code !== undefined) {
    if (AUTH_CODES.has(code)) return "auth";
    if (SCHEMA_CODES.has(code)) return "schema";
    if (DATA_CODES.has(code)) return "data";
    if (code === 159 || code === 209) return "timeout";
  }
  if (status === 401 || status === 403) return "auth";
  // Cloudflare in front of ClickHouse: it could not make, or trust, the TLS connection to it.
  if (CLOUDFLARE_TLS.has(status)) return "tls";
  if (status >= 500 || status === 429) return "server";
  return "client";
}

/** 525 (TLS handshake failed) and 526 (invalid certificate) from Cloudflare's edge. */
const CLOUDFLARE_TLS = new Set([525, 526]);

function isRetryable(code: number | undefined, status: number): boolean {
  if (code !== undefined && RETRYABLE_CODES.has(code)) return true;
  if (code !== undefined && (AUTH_CODES.has(code) || SCHEMA_CODES.has(code))) return false;
  if (code !== undefined && DATA_CODES.has(code)) return false;
  if (CLOUDFLARE_TLS.has(status)) return false;
  return status === 429 || status === 408 || status >= 500;
}
