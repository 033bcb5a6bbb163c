import { beforeAll, describe, expect, it } from "vitest";
import { referenceEngine } from "../../src/index.ts";
import { EXACT } from "../replay/compare-decisions.ts";
import { knownConfigOf } from "../replay/known-config.ts";
import { numberedAudit, replayIncident } from "../replay/replay-incident.ts";
import { createFleetFactory } from "./fleet-adapter.ts";
import type { ScenarioOutcome } from "./run-suite.ts";
import {
  ALL_PARITY_PASS,
  failedScenarios,
  parityStatuses,
  runShippedLibrary,
} from "./shipped-library-kit.ts";

// The same library on the loopback transport, isolated: shipped-library-loopback.scenario.test.ts (a file of
// its own, so the two transports run in parallel workers).
describe("the shipped scenario library (in process)", () => {
  let outcomes: readonly ScenarioOutcome[] = [];

  beforeAll(async () => {
    outcomes = await runShippedLibrary("inproc", "inline");
  }, 300_000);

  it("passes against the reference engine, with every parity row PASS", () => {
    expect(failedScenarios(outcomes)).toEqual([]);
    expect(outcomes.length).toBeGreaterThanOrEqual(40);
    expect(parityStatuses(outcomes)).toEqual(ALL_PARITY_PASS);
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
        engine: { kind: "inline", engine: referenceEngine, fleet: createFleetFactory() },
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
