import {
  describeTolerance,
  type DecisionComparison,
  type Divergence,
  type Tolerance,
} from "./compare-decisions.ts";
import type { DecisionStep } from "./decisions.ts";
import type { ReplayNote } from "./fault-windows.ts";

/** What the replay command prints about one replay. */
export interface ReplaySummaryInput {
  readonly log: string;
  readonly scenarioPath: string;
  readonly engine: string;
  readonly requests: number;
  readonly trafficLines: number;
  readonly faults: number;
  readonly notes: readonly ReplayNote[];
  readonly evidence: readonly string[];
  readonly comparison: DecisionComparison;
  readonly tolerance: Tolerance;
  readonly replayedAudit: string;
}

const NOTES_SHOWN = 10;

function stepLine(prefix: string, step: DecisionStep | null, where: string): string {
  return step === null
    ? `${prefix}(nothing)`
    : `${prefix}+${step.atMs} ms  ${step.text}  [${where} line ${step.line}]`;
}

/** The first divergence with the steps that led to it, in both logs. */
export function formatDivergence(d: Divergence, log: string, replayedAudit: string): string[] {
  const out = [
    `First divergence: request #${d.request} (${d.originalRequestId ?? "—"} in the incident, ${d.replayedRequestId ?? "—"} in the replay), step ${d.step + 1}: ${d.kind}`,
    `  ${d.message}`,
  ];
  if (d.context.length > 0) {
    out.push("  before it, both agree:");
    for (const step of d.context) out.push(stepLine("    ", step, log));
  }
  out.push(stepLine("  incident: ", d.original, log));
  out.push(stepLine("  replay:   ", d.replayed, replayedAudit));
  return out;
}

/** The replay command's report, as lines of text. */
export function formatReplay(input: ReplaySummaryInput): string {
  const { comparison } = input;
  const out = [
    `Inferred ${input.scenarioPath}: ${input.requests} requests in ${input.trafficLines} traffic lines, ${input.faults} fault bindings.`,
  ];
  if (input.evidence.length > 0) {
    out.push("No --config: settings read off the log (pass --config for the real ones):");
    for (const line of input.evidence) out.push(`  ${line}`);
  }
  if (input.notes.length > 0) {
    out.push(`Could not be reproduced exactly (${input.notes.length}):`);
    for (const note of input.notes.slice(0, NOTES_SHOWN))
      out.push(`  ${input.log}:${note.line}: ${note.message}`);
    if (input.notes.length > NOTES_SHOWN) out.push(`  … and ${input.notes.length - NOTES_SHOWN} more`);
  }
  if (comparison.first === null) {
    out.push(
      `REPRODUCED: ${input.engine} made the incident's decisions for all ${comparison.requests} requests (${comparison.steps} steps, every wait within what the config allows, other times within ${describeTolerance(input.tolerance)}).`,
    );
  } else {
    out.push(
      `DIVERGED: ${input.engine} decided differently in ${comparison.divergentRequests} of ${comparison.requests} requests.`,
    );
    out.push(...formatDivergence(comparison.first, input.log, input.replayedAudit));
  }
  out.push(`replayed audit: ${input.replayedAudit}`);
  return `${out.join("\n")}\n`;
}
