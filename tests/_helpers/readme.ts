// The README, so tests run exactly the code and SQL it shows.
const README = Deno.readTextFileSync(new URL("../../README.md", import.meta.url));

/** The text of the README section `## <title>`, up to the next `## ` heading. */
export function readmeSection(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README.md has no section "## ${title}"`);
  const end = README.indexOf("\n## ", start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}
