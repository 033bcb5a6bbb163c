import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { judgeRun } from "../../runner/judge.ts";
import { prepareScenario } from "../../runner/run-scenario.ts";
import { loadScenarioFile } from "../../scenario/load-scenario.ts";
import { scenarioSchema, type Scenario } from "../../scenario/schema.ts";
import { runIsolated } from "../run-isolated.ts";
import { DEFAULT_LIMITS, WarmIsolates } from "../supervise-isolate.ts";

const SCENARIO = fileURLToPath(new URL("../misbehaving/basic.yaml", import.meta.url));
const ENGINE = pathToFileURL(fileURLToPath(new URL("./marks-its-thread.ts", import.meta.url))).href;
const LIMITS = { ...DEFAULT_LIMITS, stallTimeoutMs: 4_000, phaseTimeoutMs: 10_000 };

async function basic(): Promise<Scenario> {
  const loaded = await loadScenarioFile(SCENARIO, scenarioSchema);
  if (!loaded.ok) throw new Error(`Failed to load ${SCENARIO}`);
  return loaded.value;
}

/** The basic scenario with its traffic's prompt tagged: the engine misbehaves on `[hang]`, `[spin]`, … */
function tagged(scenario: Scenario, tag: string): Scenario {
  return { ...scenario, traffic: scenario.traffic.map((t) => ({ ...t, prompt: `${t.prompt} ${tag}` })) };
}

let warm: WarmIsolates | undefined;
afterEach(async () => {
  await warm?.close();
});

/** Runs scenarios one after another through one set of warm workers, as a suite with one job does. */
async function runAll(scenarios: readonly Scenario[], pool: WarmIsolates) {
  const runs = [];
  for (const scenario of scenarios) {
    const configs = await prepareScenario(scenario, SCENARIO);
    const run = await runIsolated({
      scenario,
      file: SCENARIO,
      seed: scenario.seed,
      transport: "inproc",
      engineModule: ENGINE,
      engineName: null,
      config: configs.judgeConfig,
      limits: LIMITS,
      warm: pool,
    });
    runs.push({ run, verdict: await judgeRun(run) });
  }
  return runs;
}

describe("warm isolates", () => {
  it("runs a second scenario in the same worker with a freshly evaluated engine module", async () => {
    const scenario = await basic();
    warm = new WarmIsolates({ anyEngine: true });
    const [first, second] = await runAll([scenario, scenario], warm);
    expect(first?.verdict.verdict).toBe("pass");
    expect(second?.verdict.verdict).toBe("pass");
    // The same thread (a reused worker), and module state starts over (else create throws: a FAIL).
    expect(first?.run.engine).toMatch(/^thread-\d+$/);
    expect(second?.run.engine).toBe(first?.run.engine);
    expect(second?.run.engineError).toBeNull();
    // The same bytes as a fresh worker gives.
    const fresh = await runAll([scenario], new WarmIsolates());
    expect(fresh[0]?.run.engine).not.toBe(first?.run.engine);
    expect(second?.run.auditText).toBe(fresh[0]?.run.auditText);
    expect(second?.run.fleetLogText).toBe(fresh[0]?.run.fleetLogText);
  }, 120_000);

  it("ends a hang in the second scenario of a warm worker as a hang, and judges the next in a new worker", async () => {
    const scenario = await basic();
    warm = new WarmIsolates({ anyEngine: true });
    const [first, hung, third] = await runAll([scenario, tagged(scenario, "[hang]"), scenario], warm);
    expect(first?.verdict.verdict).toBe("pass");
    expect(hung?.verdict.verdict).toBe("fail");
    expect(JSON.stringify(hung?.verdict)).toContain("hung past their deadline");
    expect(third?.verdict.verdict).toBe("pass");
    expect(hung?.run.engine).toBe(first?.run.engine);
    // A hang is not a clean finish: the worker that hung is not given another scenario.
    expect(third?.run.engine).not.toBe(first?.run.engine);
  }, 120_000);

  it("stops a spin in a warm worker with the stall watchdog, and the next scenario still runs", async () => {
    const scenario = await basic();
    warm = new WarmIsolates({ anyEngine: true });
    const [first, spun, third] = await runAll([scenario, tagged(scenario, "[spin]"), scenario], warm);
    expect(first?.verdict.verdict).toBe("pass");
    expect(spun?.run.incomplete).toBe(true);
    expect(spun?.run.engineError).toContain("watchdog: the engine's worker showed no sign of life");
    expect(third?.verdict.verdict).toBe("pass");
    expect(third?.run.engine).not.toBe(first?.run.engine);
  }, 120_000);

  it("does not reuse a worker whose globals a scenario changed", async () => {
    const scenario = await basic();
    warm = new WarmIsolates({ anyEngine: true });
    const [polluter, next] = await runAll([tagged(scenario, "[polyfill]"), scenario], warm);
    expect(polluter?.verdict.verdict).toBe("pass");
    expect(next?.verdict.verdict).toBe("pass");
    expect(next?.run.engine).not.toBe(polluter?.run.engine);
  }, 120_000);

  it("replaces a warm worker after its quota of scenarios", async () => {
    const scenario = await basic();
    warm = new WarmIsolates({ anyEngine: true, maxScenarios: 2 });
    const [first, second, third] = await runAll([scenario, scenario, scenario], warm);
    expect(second?.run.engine).toBe(first?.run.engine);
    expect(third?.run.engine).not.toBe(first?.run.engine);
    expect(third?.verdict.verdict).toBe("pass");
  }, 120_000);

  it("keeps a fresh worker per scenario for a user's engine unless told otherwise", async () => {
    const scenario = await basic();
    warm = new WarmIsolates();
    const [first, second] = await runAll([scenario, scenario], warm);
    expect(second?.run.engine).not.toBe(first?.run.engine);
  }, 120_000);
});
