import { describe, expect, it } from "vitest";
import { referenceEngine, type EngineUnderTest } from "../../src/index.ts";
import { createFleetFactory } from "./fleet-adapter.ts";
import { runSuite } from "./run-suite.ts";

// Scorecard 2026-12-04: OpenCode takes ~10 s to start, and the scenario clock used to start before it, so
// requests planned at 0, 4 and 8 s all went out together at 10 s, and a fault schedule by scenario time
// ran on while the engine was starting. On the wall clock the scenario now starts once the engine is up.

const S03 = "scenarios/failoverbench/s03-server-error-once.yaml";
const START_UP_MS = 1_500;

/** The reference engine behind a slow start, as a gateway or an agent launched per run. */
const slowStart: EngineUnderTest = {
  ...referenceEngine,
  name: "reference-with-a-slow-start",
  create: async (ctx) => {
    await new Promise((resolve) => setTimeout(resolve, START_UP_MS));
    return referenceEngine.create(ctx);
  },
};

describe("a real-time scenario with a slow engine start", () => {
  it("sends its first request at scenario time 0 once the engine is up, and injects the faults from then", async () => {
    const suite = await runSuite({
      paths: [S03],
      cwd: process.cwd(),
      clock: "real",
      engine: { kind: "inline", engine: slowStart, fleet: createFleetFactory() },
    });
    if (!suite.ok) throw new Error(suite.problems.join("\n"));
    const [outcome] = suite.outcomes;
    const { requests, fleetCalls, startMs } = outcome!.run;
    // Sent within a fraction of the start-up time, which the old clock counted as scenario time.
    expect(requests[0]?.sentAt).toBeLessThan(START_UP_MS / 3);
    expect(fleetCalls[0]!.at - startMs).toBeGreaterThanOrEqual(0);
    expect(fleetCalls.map((c) => c.status)).toEqual([500, 200]);
    expect(outcome!.verdict.verdict).toBe("pass");
  });
});
