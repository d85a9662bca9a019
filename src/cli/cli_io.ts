/**
 * What the command line needs from its runtime, so the commands run the same
 * in Deno, Node and Bun, and tests can give them a recording double.
 */
export interface CliIo {
  /** The arguments after the program's name. */
  readonly args: readonly string[];
  /** Reads an environment variable; `undefined` when unset. */
  env(name: string): string | undefined;
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** Whether standard output is a terminal (then colours are used). */
  readonly isTTY: boolean;
  /** Reads a text file. */
  readTextFile(path: string): Promise<string>;
}

interface DenoLike {
  args: string[];
  env: { get(name: string): string | undefined };
  stdout: { writeSync(data: Uint8Array): number; isTerminal(): boolean };
  stderr: { writeSync(data: Uint8Array): number };
  readTextFile(path: string): Promise<string>;
  exit(code: number): never;
}

interface ProcessLike {
  argv: string[];
  env: Record<string, string | undefined>;
  stdout: { write(text: string): boolean; isTTY?: boolean };
  stderr: { write(text: string): boolean };
  exit(code: number): never;
}

/**
 * The running process's arguments, environment and streams: Deno's when
 * there is `Deno`, else Node's and Bun's `process`.
 *
 * @returns The adapter.
 * @throws {Error} In a runtime with neither `Deno` nor `process`.
 *
 * @example
 * ```ts
 * import { processIo } from "./cli_io.ts";
 * processIo().out("hello\n");
 * ```
 */
export function processIo(): CliIo {
  const g = globalThis as { Deno?: DenoLike; process?: ProcessLike };
  if (g.Deno) return denoIo(g.Deno);
  if (g.process) return nodeIo(g.process);
  throw new Error("Cannot run the Tusk command line: this runtime has neither Deno nor process");
}

/**
 * Ends the process with `code`.
 *
 * @param code The exit code.
 *
 * @example
 * ```ts ignore
 * import { exitProcess } from "./cli_io.ts";
 * exitProcess(0);
 * ```
 */
export function exitProcess(code: number): void {
  const g = globalThis as { Deno?: DenoLike; process?: ProcessLike };
  if (g.Deno) g.Deno.exit(code);
  else g.process?.exit(code);
}

function denoIo(deno: DenoLike): CliIo {
  const encoder = new TextEncoder();
  const write = (stream: { writeSync(data: Uint8Array): number }, text: string) => {
    let data = encoder.encode(text);
    // writeSync may take part of the data (a full pipe): write the rest.
    while (data.length > 0) data = data.subarray(stream.writeSync(data));
  };
  return {
    args: deno.args,
    env: (name) => {
      try {
        return deno.env.get(name);
      } catch {
        return undefined; // without --allow-env
      }
    },
    out: (text) => write(deno.stdout, text),
    err: (text) => write(deno.stderr, text),
    isTTY: deno.stdout.isTerminal(),
    readTextFile: (path) => deno.readTextFile(path),
  };
}

function nodeIo(process: ProcessLike): CliIo {
  return {
    args: process.argv.slice(2),
    env: (name) => process.env[name],
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
    readTextFile: async (path) => {
      // Loaded only here: the adapter's module stays free of node: imports.
      const fs = await import("node:fs/promises");
      return await fs.readFile(path, "utf8");
    },
  };
}
