import { beforeAll, describe, expect, it } from "vitest";
import { referenceEngine } from "../../src/index.ts";
import { SHIPPED_SCENARIOS } from "../cli/commands/run.ts";
import { EXACT } from "../replay/compare-decisions.ts";
import { knownConfigOf } from "../replay/known-config.ts";
import { numberedAudit, replayIncident } from "../replay/replay-incident.ts";
import { referenceCorpusEvidence } from "../report/corpus-evidence.ts";
import { parityMatrix } from "../report/parity.ts";
import { createFleetFactory } from "./fleet-adapter.ts";
import { runSuite, type ScenarioOutcome } from "./run-suite.ts";

describe("the shipped scenario library", () => {
  let outcomes: readonly ScenarioOutcome[] = [];

  beforeAll(async () => {
    const suite = await runSuite({
      paths: [SHIPPED_SCENARIOS],
      cwd: process.cwd(),
      engine: referenceEngine,
      fleet: createFleetFactory(),
    });
    if (!suite.ok) throw new Error(suite.problems.join("\n"));
    outcomes = suite.outcomes;
  }, 300_000);

  it("passes against the reference engine, with every parity row PASS", () => {
    const failed = outcomes
      .filter((o) => o.verdict.verdict === "fail")
      .map((o) => `${o.scenario.id}: ${o.verdict.reasons.join("; ")}`);
    expect(failed).toEqual([]);
    expect(outcomes.length).toBeGreaterThanOrEqual(40);
    const parity = parityMatrix(outcomes, { corpus: referenceCorpusEvidence() });
    expect(parity.map((row) => [row.id, row.status])).toEqual([
      ["DECISION_037", "PASS"],
      ["DECISION_100", "PASS"],
      ["DECISION_118", "PASS"],
      ["DECISION_121", "PASS"],
      ["DECISION_126", "PASS"],
    ]);
  });

  // Issue 7's round trip: scenario → audit → inferred scenario → a replay that makes the same decisions.
  it("round-trips: every scenario's audit replays to the same decisions, to the millisecond", async () => {
    const diverged: string[] = [];
    let steps = 0;
    for (const { file, scenario, run } of outcomes) {
      const { lines } = numberedAudit(run.auditText);
      const replay = await replayIncident(lines, {
        source: file,
        id: `replay-${scenario.id}`,
        config: await knownConfigOf(scenario, file),
        engine: referenceEngine,
        fleet: createFleetFactory(),
        seed: run.seed,
        tolerance: EXACT,
        scenarioFile: file,
      });
      steps += replay.comparison.steps;
      if (!replay.comparison.same)
        diverged.push(`${scenario.id}: ${replay.comparison.first?.message ?? "?"}`);
      expect(replay.inferred.notes).toEqual([]);
    }
    expect(diverged).toEqual([]);
    expect(outcomes.length).toBeGreaterThanOrEqual(80);
    expect(steps).toBeGreaterThan(10_000);
  }, 300_000);
});
