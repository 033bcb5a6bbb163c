import { referenceEngine } from "../../src/index.ts";
import { SHIPPED_SCENARIOS } from "../cli/commands/run.ts";
import { referenceCorpusEvidence } from "../report/corpus-evidence.ts";
import { parityMatrix } from "../report/parity.ts";
import { REFERENCE_ENGINE_MODULE } from "../sandbox/engine-source.ts";
import { DEFAULT_LIMITS } from "../sandbox/supervise-isolate.ts";
import { createFleetFactory } from "./fleet-adapter.ts";
import { runSuite, type EngineSource, type ScenarioOutcome } from "./run-suite.ts";

/** How the reference engine runs: in this process (trusted code), or isolated the way the gate runs it. */
export type LibraryEngine = "inline" | "isolated";

function referenceSource(engine: LibraryEngine): EngineSource {
  return engine === "inline"
    ? { kind: "inline", engine: referenceEngine, fleet: createFleetFactory() }
    : { kind: "isolated", module: REFERENCE_ENGINE_MODULE, name: "reference" };
}

/**
 * The shipped library against the reference engine on one transport. Isolated runs use two workers and a
 * watchdog of 10 minutes instead of the CLI's 2: these tests judge transport neutrality, not the speed of a
 * loaded 2-core machine, where the 3,000-request day alone takes about 100 s of real time.
 */
export async function runShippedLibrary(
  transport: "inproc" | "loopback",
  engine: LibraryEngine,
): Promise<readonly ScenarioOutcome[]> {
  const suite = await runSuite({
    paths: [SHIPPED_SCENARIOS],
    cwd: process.cwd(),
    transport,
    engine: referenceSource(engine),
    ...(engine === "isolated" ? { jobs: 2, limits: { ...DEFAULT_LIMITS, scenarioTimeoutMs: 600_000 } } : {}),
  });
  if (!suite.ok) throw new Error(suite.problems.join("\n"));
  return suite.outcomes;
}

/** `id: reason; reason` for every scenario that did not pass: a test expects this to be empty. */
export function failedScenarios(outcomes: readonly ScenarioOutcome[]): string[] {
  return outcomes
    .filter((o) => o.verdict.verdict === "fail")
    .map((o) => `${o.scenario.id}: ${o.verdict.reasons.join("; ")}`);
}

/** Each parity row's id and status, with the reference corpus evidence a real run shows. */
export function parityStatuses(outcomes: readonly ScenarioOutcome[]): [string, string][] {
  return parityMatrix(outcomes, { corpus: referenceCorpusEvidence() }).map((row) => [row.id, row.status]);
}

/** Every parity row PASS: what the reference engine must show on the whole library. */
export const ALL_PARITY_PASS: readonly [string, string][] = [
  ["DECISION_037", "PASS"],
  ["DECISION_100", "PASS"],
  ["DECISION_118", "PASS"],
  ["DECISION_121", "PASS"],
  ["DECISION_126", "PASS"],
];
