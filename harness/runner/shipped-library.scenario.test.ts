import { describe, expect, it } from "vitest";
import { referenceEngine } from "../../src/index.ts";
import { SHIPPED_SCENARIOS } from "../cli/commands/run.ts";
import { referenceCorpusEvidence } from "../report/corpus-evidence.ts";
import { parityMatrix } from "../report/parity.ts";
import { createFleetFactory } from "./fleet-adapter.ts";
import { runSuite } from "./run-suite.ts";

describe("the shipped scenario library", () => {
  it("passes against the reference engine, with every parity row PASS", async () => {
    const suite = await runSuite({ paths: [SHIPPED_SCENARIOS], cwd: process.cwd(), engine: referenceEngine, fleet: createFleetFactory() });
    if (!suite.ok) throw new Error(suite.problems.join("\n"));
    const failed = suite.outcomes.filter((o) => o.verdict.verdict === "fail").map((o) => `${o.scenario.id}: ${o.verdict.reasons.join("; ")}`);
    expect(failed).toEqual([]);
    expect(suite.outcomes.length).toBeGreaterThanOrEqual(40);
    const parity = parityMatrix(suite.outcomes, { corpus: referenceCorpusEvidence() });
    expect(parity.map((row) => [row.id, row.status])).toEqual([
      ["DECISION_037", "PASS"],
      ["DECISION_100", "PASS"],
      ["DECISION_118", "PASS"],
      ["DECISION_121", "PASS"],
      ["DECISION_126", "PASS"],
    ]);
  }, 300_000);
});
