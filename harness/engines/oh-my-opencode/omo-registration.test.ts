import { describe, expect, it } from "vitest";
import { OMO_ENGINE_MODULE, processEngine } from "../process-engines.ts";

describe("--engine opencode+omo", () => {
  it("names the oh-my-opencode adapter under both spellings, with an install step and no fleet port", () => {
    for (const spec of ["opencode+omo", "oh-my-opencode"]) {
      const engine = processEngine(spec);
      if (engine === null || "error" in engine)
        throw new Error(`${spec} is not registered: ${JSON.stringify(engine)}`);
      expect(engine.name).toBe("opencode+omo");
      expect(engine.module).toBe(OMO_ENGINE_MODULE);
      expect(engine.module.endsWith("/oh-my-opencode/omo-engine.ts")).toBe(true);
      expect(engine.needsFleetPort).toBe(false);
      expect(typeof engine.prepare).toBe("function");
    }
  });

  it("states both pinned versions for the scorecard", async () => {
    const engine = processEngine("opencode+omo");
    if (engine === null || "error" in engine) throw new Error("not registered");
    expect(await engine.version?.()).toBe("opencode-ai 1.18.33 + oh-my-opencode 4.19.4");
  });
});
