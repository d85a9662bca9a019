/**
 * Reads one environment variable from an explicit record (a Worker's
 * bindings), else from the runtime's environment when there is one. Never
 * throws: a denied permission or a missing `process` reads as unset.
 *
 * @param name The variable's name.
 * @param env A record used instead of the process environment.
 * @returns The value, or `undefined` when unset or unreadable.
 */
export function readEnv(
  name: string,
  env?: Readonly<Record<string, unknown>>,
): string | undefined {
  if (env) {
    const value = env[name];
    return typeof value === "string" ? value : undefined;
  }
  const g = globalThis as {
    Deno?: { env?: { get(name: string): string | undefined } };
    process?: { env?: Record<string, string | undefined> };
  };
  try {
    if (g.Deno?.env) return g.Deno.env.get(name);
    return g.process?.env?.[name];
  } catch {
    return undefined; // Deno without --allow-env
  }
}
