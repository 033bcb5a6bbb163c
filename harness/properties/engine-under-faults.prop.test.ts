import { describe, expect, it } from "vitest";
import { referenceEngine } from "../../src/index.ts";
import { checkEngineUnderFaults } from "./engine-property.ts";
import { propertySeeds, runsFor } from "./seeds.ts";

const CWD = process.cwd();

describe.each(propertySeeds())("the reference engine under random fault schedules ($label)", ({ seed }) => {
  it("keeps every engine law: checker, fleet one to one, bounds, exact text, served model, Retry-After, enabled:false", async () => {
    const result = await checkEngineUnderFaults({
      engine: referenceEngine,
      name: "engine-under-faults",
      seed,
      numRuns: runsFor(Number(process.env.FH_ENGINE_RUNS ?? 30)),
      cwd: CWD,
    });
    if (!result.ok) console.error(result.report);
    expect(result.ok ? "" : result.report).toBe("");
  }, 600_000);
});
