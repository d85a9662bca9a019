import { hostNameProblem, ipv6Problem, parses } from "./_url_parts.ts";
import { maskUrl } from "./mask_url.ts";

/**
 * Says what is wrong with a URL given for ClickHouse's HTTP interface, in
 * words a user can act on, showing the URL with its password masked.
 *
 * @param text The URL as given.
 * @returns What is wrong (`port 99999 is out of range (1-65535) in
 * "http://tester:***@127.0.0.1:99999"`), or `undefined` for a usable
 * http(s) URL.
 *
 * @example
 * ```ts
 * import { urlProblem } from "./url_problem.ts";
 * urlProblem("http://[::1:18123"); // 'IPv6 address without its closing "]" in "http://[::1:18123"'
 * ```
 */
export function urlProblem(text: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  // Without "scheme://" the text may be anything (a password pasted in the
  // wrong place): it is not shown.
  if (!scheme) return "expected a URL starting with http:// or https://";
  const shown = `in "${maskUrl(text)}"`;
  if (!/^https?$/i.test(scheme[1]!)) return `"${scheme[1]}:" is not http or https ${shown}`;
  // As the URL parser reads it: the authority ends at the first "/", "?", "#"
  // or "\", and the host follows its last "@".
  const authority = text.slice(scheme[0].length).split(/[/?#\\]/, 1)[0]!;
  const problem = hostPortProblem(authority.slice(authority.lastIndexOf("@") + 1));
  if (problem !== undefined) return `${problem} ${shown}`;
  return parses(text) ? undefined : `not a valid URL: "${maskUrl(text)}"`;
}

function hostPortProblem(hostPort: string): string | undefined {
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]");
    if (close < 0) return 'IPv6 address without its closing "]"';
    const after = hostPort.slice(close + 1);
    if (after !== "" && !after.startsWith(":")) return `"${after}" after the IPv6 address`;
    return ipv6Problem(hostPort.slice(0, close + 1)) ?? portProblem(after.slice(1));
  }
  const colon = hostPort.lastIndexOf(":");
  const host = colon < 0 ? hostPort : hostPort.slice(0, colon);
  if (host.includes(":")) return 'an IPv6 address needs brackets, as in "http://[::1]:8123"';
  return hostNameProblem(host) ?? (colon < 0 ? undefined : portProblem(hostPort.slice(colon + 1)));
}

function portProblem(port: string): string | undefined {
  if (port === "") return undefined; // "host:" means the default port
  if (!/^\d+$/.test(port)) return `port "${port}" is not a number`;
  const n = Number(port);
  return n >= 1 && n <= 65535 ? undefined : `port ${port} is out of range (1-65535)`;
}
