import { describe, expect, it } from "vitest";
import { referenceEngine, type EngineUnderTest } from "../../src/index.ts";
import { checkEngineUnderFaults, noCounterexample } from "./engine-property.ts";

/** The reference engine, slow to start: no run can finish within a few milliseconds. */
const slowToStart: EngineUnderTest = {
  name: "slow-to-start",
  async create(ctx) {
    await new Promise((resolve) => setTimeout(resolve, 400));
    return referenceEngine.create(ctx);
  },
};

describe("checkEngineUnderFaults without a counterexample", () => {
  it("says the time limit ran out before any run passed, not `null`", async () => {
    const run = checkEngineUnderFaults({
      engine: slowToStart,
      name: "interrupted",
      seed: 7,
      numRuns: 5,
      cwd: process.cwd(),
      timeLimitMs: 20,
    });
    await expect(run).rejects.toThrow(
      "The engine property was interrupted by its time limit (20 ms) before any of its 5 runs passed (0 passed, 0 skipped): nothing was checked.",
    );
  }, 60_000);

  it("keeps fast-check's own error when it was not interrupted", () => {
    const message = noCounterexample(
      { interrupted: false, numRuns: 3, numSkips: 0, errorInstance: new Error("boom") },
      { numRuns: 3 },
    );
    expect(message).toBe(
      "Failed to run the engine property: Error: boom. Fix the harness; no counterexample was produced.",
    );
  });
});
