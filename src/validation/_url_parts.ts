// Checks shared by urlProblem() and hostProblem(); the WHATWG URL parser is
// the judge of what an IPv6 literal or a host name may hold.

/** What is wrong with a host name read from a URL or an option, for the common cases. */
export function hostNameProblem(host: string): string | undefined {
  if (host === "") return "no host";
  if (/\s/.test(host)) return "a space in the host";
  return undefined;
}

/** What is wrong with a bracketed IPv6 literal (`[::1]`), or `undefined`. */
export function ipv6Problem(literal: string): string | undefined {
  return parses(`http://${literal}/`) ? undefined : `"${literal}" is not a valid IPv6 address`;
}

/** Whether a bare host (no brackets) is an IPv6 address. */
export function isIpv6(host: string): boolean {
  return host.includes(":") && parses(`http://[${host}]/`);
}

/** Whether the URL parser accepts `url`. */
export function parses(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}
