import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../scenario/load-scenario.ts";
import { scenarioSchema, type Scenario } from "../scenario/schema.ts";
import { prepareScenario } from "./run-scenario.ts";
import { estimateSpan, realtimeScenario, REALTIME_TOLERANCE_MS } from "./realtime-span.ts";
import { runSuite } from "./run-suite.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const file = (name: string): string => `${root}scenarios/failoverbench/${name}.yaml`;

async function load(name: string): Promise<{ scenario: Scenario; span: number; basis: string }> {
  const loaded = await loadScenarioFile(file(name), scenarioSchema);
  if (!loaded.ok) throw new Error(`${name} does not load`);
  const { judgeConfig } = await prepareScenario(loaded.value, file(name));
  const span = estimateSpan(loaded.value, judgeConfig);
  return { scenario: loaded.value, span: span.ms, basis: span.basis };
}

describe("real-time span and budget", () => {
  it("estimates a span from Retry-After waits, and from the deadline for a wait with no end", async () => {
    const s01 = await load("s01-rate-limit-retry-after");
    expect(s01.span).toBeGreaterThanOrEqual(2_000);
    expect(s01.span).toBeLessThan(10_000);
    const s09 = await load("s09-stall-mid-stream");
    // S09's stall has no end; a correct engine cuts it within the 45 s the scenario states.
    expect(s09.basis).toMatch(/no end, cut within the stated max_elapsed \(45000 ms; deadline \d+ ms\)/);
    expect(s09.span).toBe(45_000);
    expect(s09.span).toBeGreaterThan(s01.span);
    const { judgeConfig } = await prepareScenario(s09.scenario, file("s09-stall-mid-stream"));
    const unstated = { ...s09.scenario, expect: { ...s09.scenario.expect, requests: [] } };
    const byDeadline = estimateSpan(unstated, judgeConfig);
    expect(byDeadline.basis).toMatch(/no end, bounded by the deadline/);
    expect(byDeadline.ms).toBeGreaterThan(s09.span);
  });

  it("charges a process engine's start-up once per scenario, and names it in the basis", async () => {
    const s01 = await load("s01-rate-limit-retry-after");
    const loaded = await loadScenarioFile(file("s01-rate-limit-retry-after"), scenarioSchema);
    if (!loaded.ok) throw new Error("s01 does not load");
    const { judgeConfig } = await prepareScenario(loaded.value, file("s01-rate-limit-retry-after"));
    const started = estimateSpan(loaded.value, judgeConfig, 9_000);
    expect(started.ms).toBe(s01.span + 9_000);
    expect(started.basis).toMatch(/^engine start-up 9000 ms, /);
    expect(s01.basis).not.toMatch(/start-up/);
  });

  it("adds the stated tolerance to elapsed-time bounds only, and forces the wall clock on loopback", async () => {
    const { scenario } = await load("s01-rate-limit-retry-after");
    const real = realtimeScenario(scenario);
    expect(real.clock).toBe("real");
    expect(real.transport).toBe("loopback");
    expect(real.expect.requests[0]?.max_elapsed).toBe(20_000 + REALTIME_TOLERANCE_MS);
    expect(real.expect.no_hammer).toEqual(scenario.expect.no_hammer);
  });

  it("skips, with the reason, every scenario whose span exceeds the budget left", async () => {
    const suite = await runSuite({
      paths: [file("s01-rate-limit-retry-after"), file("s09-stall-mid-stream")],
      cwd: root,
      engine: { kind: "isolated", module: "file:///nonexistent-engine.ts", name: null },
      clock: "real",
      realtimeBudgetMs: 1_000,
    });
    if (!suite.ok) throw new Error(suite.problems.join("\n"));
    expect(suite.outcomes).toEqual([]);
    expect(suite.skipped?.map((s) => s.id)).toEqual(["s01-rate-limit-retry-after", "s09-stall-mid-stream"]);
    expect(suite.skipped?.[0]?.reason).toMatch(
      /estimated span \d+ ms .* exceeds the \d+ ms left of the 1000 ms budget/,
    );
  });

  it("skips a scenario that fits the budget only without the engine's start-up, and says so", async () => {
    const s01 = await load("s01-rate-limit-retry-after");
    const suite = await runSuite({
      paths: [file("s01-rate-limit-retry-after")],
      cwd: root,
      // Were the start-up not charged, s01 would fit and this engine, which does not exist, would be loaded.
      engine: { kind: "isolated", module: "file:///nonexistent-engine.ts", name: null, startupMs: 5_000 },
      clock: "real",
      realtimeBudgetMs: s01.span + 1_000,
    });
    if (!suite.ok) throw new Error(suite.problems.join("\n"));
    expect(suite.skipped?.map((s) => s.id)).toEqual(["s01-rate-limit-retry-after"]);
    expect(suite.skipped?.[0]?.reason).toContain(
      `estimated span ${s01.span + 5_000} ms (engine start-up 5000 ms, `,
    );
  });
});
