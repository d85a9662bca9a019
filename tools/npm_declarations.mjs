// Type declarations for the npm build: the TypeScript compiler (the installed typescript, through
// its API) type-checks the sources and emits one `.d.ts` per source file under `<outdir>/_types/`,
// mirroring the repository's paths; each entry point then gets a `<name>.d.ts` next to its bundled
// `<name>.js` that re-exports its module's declarations.
//
// The sources import each other with explicit `.ts` extensions (`allowImportingTsExtensions`), and
// TypeScript keeps those specifiers as written in declaration files (`rewriteRelativeImportExtensions`
// rewrites emitted JavaScript only). TypeScript 5 resolves `./x.ts` to the `./x.d.ts` beside it, but
// `./x.js` is the form declaration files conventionally hold and every TypeScript version that reads
// `exports` (4.7 and later, `nodenext` or `bundler`) resolves, so relative specifiers are rewritten.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import ts from "typescript";

/** The sources' compiler settings: those of `deno check`, as far as tsc has them. */
function compilerOptions(root, typesDir) {
  const { options, errors } = ts.convertCompilerOptionsFromJson({
    target: "es2022",
    module: "esnext",
    moduleResolution: "bundler",
    // Web APIs (fetch, streams) as in Deno and Workers; `Symbol.asyncDispose` for the handles.
    lib: ["es2022", "esnext.disposable", "dom"],
    // Only for `./yaml`'s `import("node:fs/promises")`, loaded on demand in Node and Bun; no
    // declaration refers to Node's types.
    types: ["node"],
    typeRoots: [join(root, "node_modules", "@types")],
    strict: true,
    allowImportingTsExtensions: true,
    declaration: true,
    emitDeclarationOnly: true,
    skipLibCheck: true,
    rootDir: root,
    outDir: typesDir,
    newLine: "lf",
  }, root);
  if (errors.length > 0) throw new Error(ts.formatDiagnostics(errors, formatHost(root)));
  return options;
}

function formatHost(root) {
  return {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => "\n",
  };
}

const RELATIVE_TS_SPECIFIER =
  /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.\.?\/[^"'\n]*?)\.ts\2/g;

/** `from "./x.ts"` / `import("../y.ts")` -> `.js`; other specifiers are left alone. */
export function rewriteSpecifiers(text) {
  return text.replace(RELATIVE_TS_SPECIFIER, (_, before, quote, path) => {
    return `${before}${quote}${path}.js${quote}`;
  });
}

/** `"a/b"` as a relative import specifier: `"./a/b"`, with forward slashes. */
function specifier(path) {
  const posix = path.split(sep).join("/");
  return posix.startsWith(".") ? posix : `./${posix}`;
}

/**
 * Type-checks the sources of `entries` and writes their declarations into `outdir`.
 *
 * @param root The repository (where deno.json and node_modules are).
 * @param outdir The package directory (dist/).
 * @param entries `{ file, out }` per entry point: the source file (absolute) and the base name of
 * its bundled JavaScript under `outdir` (`"counter"` for `counter.js`).
 * @returns How many declaration files were written.
 * @throws {Error} With tsc's diagnostics when the sources do not type-check.
 */
export function emitDeclarations(root, outdir, entries) {
  const typesDir = join(outdir, "_types");
  const options = compilerOptions(root, typesDir);
  const program = ts.createProgram(entries.map((e) => e.file), options);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) {
    throw new Error(
      `tsc: the sources do not type-check:\n${ts.formatDiagnostics(diagnostics, formatHost(root))}`,
    );
  }
  let written = 0;
  const result = program.emit(undefined, (fileName, text) => {
    mkdirSync(dirname(fileName), { recursive: true });
    writeFileSync(fileName, rewriteSpecifiers(text));
    written++;
  });
  if (result.emitSkipped || result.diagnostics.length > 0) {
    throw new Error(
      `tsc: emit failed:\n${ts.formatDiagnostics(result.diagnostics, formatHost(root))}`,
    );
  }
  for (const { file, out } of entries) {
    const declaration = join(typesDir, relative(root, file)).replace(/\.ts$/, ".js");
    const target = specifier(relative(outdir, declaration));
    writeFileSync(join(outdir, `${out}.d.ts`), `export * from ${JSON.stringify(target)};\n`);
    written++;
  }
  return written;
}
