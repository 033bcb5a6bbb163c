import { describe, expect, it } from "vitest";
import { resolveEngineSource } from "../sandbox/engine-source.ts";
import { processEngine } from "./process-engines.ts";

describe("process engines' start-up cost", () => {
  it("is declared by every engine the harness starts itself, and not by a gateway the user started", () => {
    for (const spec of ["portkey", "opencode", "opencode:run", "opencode+omo"]) {
      const engine = processEngine(spec);
      if (engine === null || "error" in engine) throw new Error(`${spec} is not registered`);
      expect(engine.startupMs, spec).toBeGreaterThanOrEqual(1_000);
    }
    const gateway = processEngine("gateway:http://127.0.0.1:4000/v1");
    if (gateway === null || "error" in gateway) throw new Error("gateway:URL is not registered");
    expect(gateway.startupMs).toBeUndefined();
  });

  it("reaches the suite's engine source, where the real-time budget reads it", async () => {
    const resolved = await resolveEngineSource("portkey", process.cwd(), { probe: false });
    if (!resolved.ok) throw new Error(resolved.message);
    expect(resolved.source.startupMs).toBe(resolved.process?.startupMs);
    expect(resolved.source.startupMs).toBeGreaterThan(0);
  });
});

describe("process engines' versions", () => {
  it("names the pinned package each engine the harness installs runs, for the scorecard's engine table", async () => {
    const versions: Record<string, string> = {};
    for (const spec of ["portkey", "opencode", "opencode:run", "opencode+omo"]) {
      const engine = processEngine(spec);
      if (engine === null || "error" in engine) throw new Error(`${spec} is not registered`);
      versions[spec] = (await engine.version?.()) ?? "none";
    }
    expect(versions).toEqual({
      portkey: expect.stringMatching(/^@portkey-ai\/gateway \d+\.\d+\.\d+$/),
      opencode: expect.stringMatching(/^opencode-ai \d+\.\d+\.\d+$/),
      "opencode:run": expect.stringMatching(/^opencode-ai \d+\.\d+\.\d+$/),
      "opencode+omo": expect.stringMatching(/^opencode-ai \d+\.\d+\.\d+ \+ oh-my-opencode \d+\.\d+\.\d+$/),
    });
  });
});
