import type { ScenarioOutcome } from "../runner/run-suite.ts";
import { buildReport } from "./build-report.ts";
import { parityMatrix, type ExtraEvidence } from "./parity.ts";
import type { RunReport } from "./report-schema.ts";

/**
 * Everything a report is built from besides the outcomes and the folder paths are made relative to. `run`
 * builds it once; a sharded run stores it next to its outcomes so `merge-reports` builds the merged report
 * from the very same inputs. A field added to `buildReport`'s input lands here by type, and so in shard files.
 */
export type ReportInputs = Omit<Parameters<typeof buildReport>[0], "outcomes" | "parity" | "cwd"> & {
  /** Evidence from outside the scenarios (the reference engine's labelled corpus). */
  readonly parityExtra: ExtraEvidence;
};

/**
 * The report of a set of outcomes: the parity matrix and report.json. The one place `run` and `merge-reports`
 * turn outcomes into a report, so a merged report cannot drift from an unsharded one.
 */
export function assembleReport(
  outcomes: readonly ScenarioOutcome[],
  inputs: ReportInputs,
  cwd: string,
): RunReport {
  const { parityExtra, ...build } = inputs;
  return buildReport({ ...build, outcomes, parity: parityMatrix(outcomes, parityExtra), cwd });
}
