// Runs a TypeScript program, given as text, in a child Deno process (for exit, signal and
// copy-paste example tests): stdout and stderr piped, the repository as working directory.

const ROOT = new URL("../..", import.meta.url).pathname;

/** Starts `deno run <permissions> --no-check -` with `script` on its standard input. */
export async function spawnDenoScript(
  script: string,
  env: Record<string, string>,
  permissions: string[] = ["-A"],
): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, "--no-check", "-"],
    env,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    cwd: ROOT,
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  return child;
}
