import type { ConfigProblem } from "./parse-config.ts";

/** `file:line:column`, with whichever parts are known (a column means nothing without its line). */
function location(problem: ConfigProblem, file: string | undefined): string {
  const parts: (string | number)[] = [];
  if (file !== undefined && file !== "") parts.push(file);
  if (problem.line !== undefined) {
    parts.push(problem.line);
    if (problem.column !== undefined) parts.push(problem.column);
  }
  return parts.join(":");
}

/**
 * One line per problem, in the `file:line:column pointer: message` form editors and terminals link to:
 *
 *     opencode.json:12:5 fallback.max_retry: unknown key "max_retry"; did you mean "max_retries"?
 *
 * Parts that are unknown (no file, no position, the root's empty pointer) are left out; a whole-file problem
 * without a position reads `opencode.json: cannot read the file …`.
 */
export function formatProblems(problems: readonly ConfigProblem[], file?: string): string {
  return problems
    .map((problem) => {
      const where = location(problem, file);
      if (problem.pointer !== "")
        return where === ""
          ? `${problem.pointer}: ${problem.message}`
          : `${where} ${problem.pointer}: ${problem.message}`;
      // A whole-file problem with no position ("cannot read …") reads best as `file: message`.
      if (where === "") return problem.message;
      return problem.line === undefined ? `${where}: ${problem.message}` : `${where} ${problem.message}`;
    })
    .join("\n");
}
