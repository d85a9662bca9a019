import { TuskError } from "../errors.ts";
import type { ConfigProblem } from "../validation/format_issues.ts";

/**
 * A configuration (YAML text, file or object) that cannot be used. Every
 * problem is listed at once, each with its key path; nothing was started.
 *
 * @example
 * ```ts
 * import { forYaml, TuskConfigError } from "@tusk/clickhouse/yaml";
 * try {
 *   forYaml("heartbeat:\n  period: abc\n", { source: "example.yml" });
 * } catch (error) {
 *   if (error instanceof TuskConfigError) console.error(error.message);
 * }
 * ```
 */
export class TuskConfigError extends TuskError {
  /** Where the configuration came from (a file name, or `config`). */
  readonly source: string;
  /** Each problem, with its key path. */
  readonly problems: readonly ConfigProblem[];

  /**
   * Creates the error; its message has one line per problem:
   * `example.yml: heartbeat.period: expected a number, got "abc"`.
   *
   * @param source Where the configuration came from.
   * @param problems What is wrong, with key paths.
   */
  constructor(source: string, problems: readonly ConfigProblem[]) {
    super(
      problems.map((p) => `${source}: ${p.path === "" ? "" : `${p.path}: `}${p.message}`).join(
        "\n",
      ),
    );
    this.name = "TuskConfigError";
    this.source = source;
    this.problems = problems;
  }
}
