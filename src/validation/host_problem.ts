import { hostNameProblem, ipv6Problem, isIpv6, parses } from "./_url_parts.ts";

/**
 * Says what is wrong with a host given on its own (the `host` option):
 * credentials, a port or a path belong in other options. The host is shown
 * only when it holds no "@" (it could be a password).
 *
 * @param host The host as given.
 * @returns What is wrong, or `undefined` for a usable host (a name, an IPv4
 * address, or an IPv6 address with or without brackets).
 *
 * @example
 * ```ts
 * import { hostProblem } from "./host_problem.ts";
 * hostProblem("ch.example:8123"); // 'expected a host without a port (use port), got "ch.example:8123"'
 * ```
 */
export function hostProblem(host: string): string | undefined {
  if (host.includes("@")) {
    return 'expected a host without "@" (credentials go in user and password)';
  }
  if (/[/?#\\]/.test(host)) return `expected a host without a path, got "${host}"`;
  if (host.startsWith("[") || isIpv6(host)) return ipv6Problem(bracketHost(host));
  if (host.includes(":")) return `expected a host without a port (use port), got "${host}"`;
  const problem = hostNameProblem(host);
  if (problem !== undefined) return `${problem}, got "${host}"`;
  return parses(`http://${host}/`) ? undefined : `"${host}" is not a valid host name`;
}

/**
 * Puts an IPv6 address in brackets, as a URL needs it (`::1` becomes `[::1]`);
 * any other host is returned as it is.
 *
 * @param host A host that {@linkcode hostProblem} accepts.
 * @returns The host as a URL writes it.
 */
export function bracketHost(host: string): string {
  return !host.startsWith("[") && isIpv6(host) ? `[${host}]` : host;
}
