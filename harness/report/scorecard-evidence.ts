import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ScenarioOutcome } from "../runner/run-suite.ts";
import { scrubText } from "./scrub.ts";

/**
 * The evidence behind one FAIL cell of the scorecard, written beside it so a maintainer of that engine can
 * see what happened and reproduce it without our judge: the failing checks (each with its tier and the
 * evidence it rests on), the fleet's log lines (ground truth: what each provider call was sent and
 * answered), what `run` returned per request, the engine's audit if it wrote one, the engine process's own
 * output if it has one, and the command that re-runs the cell. Everything is scrubbed like every report.
 */

/** The files of one cell's evidence, relative to its folder; `checks.md` is the one a cell links to. */
export const EVIDENCE_FILES = {
  checks: "checks.md",
  fleet: "fleet.jsonl",
  requests: "requests.json",
  audit: "audit.jsonl",
  engineOutput: "engine-output.txt",
} as const;

/** What the evidence of one cell needs besides the outcome. */
export interface CellEvidence {
  readonly outcome: ScenarioOutcome;
  /** The command that re-runs this cell alone. */
  readonly rerun: string;
  /** The scenario file, as the reader should open it (relative to the repository). */
  readonly scenarioFile: string;
  /** What the engine's process printed while this scenario ran; null when it has no process or said nothing. */
  readonly engineOutput: string | null;
}

function checksMarkdown(cell: CellEvidence, files: readonly string[]): string {
  const { outcome } = cell;
  const { verdict, run } = outcome;
  const lines = [
    `# ${outcome.scenario.id} against ${run.engine}`,
    "",
    `- Scenario: \`${cell.scenarioFile}\` (seed ${run.seed}, clock ${run.clock ?? outcome.scenario.clock})`,
    `- Tiers: safety ${verdict.tiers.safety.toUpperCase()}, conformance ${verdict.tiers.conformance.toUpperCase()}`,
    `- Re-run this cell: \`${cell.rerun}\``,
    `- Files: ${files.map((f) => `[${f}](${f})`).join(", ")}`,
    "",
    "## Failed checks",
    "",
  ];
  for (const c of verdict.checks)
    if (c.outcome.kind === "fail")
      lines.push(`- \`${c.id}\` [${c.tier}; evidence: ${c.evidence.join(", ")}]: ${c.outcome.message}`);
  if (run.engineError !== null) lines.push("", `Engine error: ${run.engineError}`);
  if (run.engineFaults.length > 0) lines.push("", "Engine faults:", ...run.engineFaults.map((f) => `- ${f}`));
  if (verdict.notChecked.length > 0) {
    lines.push("", "## Not checked", "");
    for (const c of verdict.notChecked)
      if (c.outcome.kind === "not-checked") lines.push(`- \`${c.id}\` [${c.tier}]: ${c.outcome.reason}`);
  }
  lines.push(
    "",
    "## Requests",
    "",
    "| # | sent (ms) | ended (ms) | outcome | model | attempts | error |",
    "|---|---|---|---|---|---|---|",
    ...run.requests.map(
      (r) =>
        `| ${r.index} | ${r.sentAt} | ${r.endedAt} | ${r.outcome} | ${r.model ?? "–"} | ${r.attempts ?? "–"} | ${r.error ? `${r.error.name}: ${r.error.message.slice(0, 200)}`.replaceAll("|", "\\|").replace(/\s+/g, " ") : ""} |`,
    ),
    "",
    `The fleet's log (\`${EVIDENCE_FILES.fleet}\`) has one line per provider call: the request it served (the marker in its prompt), what was injected, the status and Retry-After sent, and when it ended — the ground truth each check above was judged on.`,
    "",
  );
  return lines.join("\n");
}

/**
 * Writes one cell's evidence into `dir` and returns the files written (relative to `dir`), `checks.md`
 * first.
 */
export async function writeCellEvidence(dir: string, cell: CellEvidence): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const { run } = cell.outcome;
  const files: [string, string][] = [
    [EVIDENCE_FILES.fleet, run.fleetLogText],
    [EVIDENCE_FILES.requests, `${JSON.stringify(run.requests, null, 2)}\n`],
  ];
  if (run.auditText.trim() !== "") files.push([EVIDENCE_FILES.audit, run.auditText]);
  if (cell.engineOutput !== null && cell.engineOutput.trim() !== "")
    files.push([EVIDENCE_FILES.engineOutput, cell.engineOutput]);
  const names = [EVIDENCE_FILES.checks, ...files.map(([name]) => name)];
  files.unshift([EVIDENCE_FILES.checks, checksMarkdown(cell, names)]);
  for (const [name, content] of files) await writeFile(join(dir, name), scrubText(content));
  return names;
}
