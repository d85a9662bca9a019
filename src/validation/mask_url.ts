// A URL's userinfo runs from after `scheme://` to the last "@": a password
// may itself hold "@", "/" or "#" unescaped, so the last "@" of the whole text
// is taken (an "@" in the path makes more of it masked, never less).
const SCHEME = /^\s*[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Masks the credentials of a URL for display:
 * `http://tester:P@ss@host:8123` becomes `http://tester:***@host:8123`. A user
 * name alone is kept; userinfo that cannot be split safely (an "@" in the user
 * name) is masked whole. Text that is not a URL is returned unchanged unless it
 * reads as `user:password@host`.
 *
 * @param text The URL as the user gave it, valid or not.
 * @returns The text with any password replaced by `***`.
 *
 * @example
 * ```ts
 * import { maskUrl } from "./mask_url.ts";
 * maskUrl("http://tester:P@assw0rd@127.0.0.1:99999"); // "http://tester:***@127.0.0.1:99999"
 * ```
 */
export function maskUrl(text: string): string {
  const start = SCHEME.exec(text)?.[0].length ?? 0;
  const at = text.lastIndexOf("@");
  if (at < start) return text;
  const userinfo = text.slice(start, at);
  const colon = userinfo.indexOf(":");
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  if (colon < 0 && (start === 0 || !user.includes("@"))) return text; // a user name alone
  const shown = user.includes("@") || user === "" ? "***" : `${user}:***`;
  return `${text.slice(0, start)}${shown}${text.slice(at)}`;
}
