import type { IncidentProblem, IncidentReadSummary } from "./incident-line.ts";

/** Warnings whose line is not used: nothing in it could be read. Every other warning's line is used. */
const SKIPPING_WARNINGS: ReadonlySet<string> = new Set(["unknown-event", "partial-last-line"]);

function outcome(problem: IncidentProblem): string {
  if (problem.severity === "error") return "line skipped";
  return SKIPPING_WARNINGS.has(problem.kind) ? "warning; line skipped" : "warning";
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/**
 * The reader's problems for a person, one per line in the compiler's `file:line: path: message` form, each
 * ending in what became of its line; then, when more were found than kept, how many of each kind there were.
 * Empty when there were none.
 */
export function formatIncidentProblems(summary: IncidentReadSummary): string {
  const out: string[] = [];
  for (const problem of summary.problems) {
    const where = problem.line === 0 ? summary.file : `${summary.file}:${problem.line}`;
    out.push(`${where}: ${problem.path}: ${problem.message} (${outcome(problem)})`);
  }
  const counts = Object.entries(summary.problemCounts);
  const total = counts.reduce((sum, [, count]) => sum + count, 0);
  if (total > summary.problems.length) {
    const byKind = counts.map(([kind, count]) => `${kind} ${count}`).join(", ");
    out.push(
      `${summary.file}: ${plural(total, "problem")} in all, the first ${summary.problems.length} shown (${byKind}).`,
    );
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}
