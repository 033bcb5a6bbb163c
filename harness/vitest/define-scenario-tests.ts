import { describe, expect, it } from "vitest";
import type { EngineUnderTest } from "../../src/index.ts";
import { collectScenarioFiles } from "../runner/collect-files.ts";
import { createFleetFactory } from "../runner/fleet-adapter.ts";
import { judgeRun } from "../runner/judge.ts";
import { runScenario, prepareScenario } from "../runner/run-scenario.ts";
import { resolveEngineSource } from "../sandbox/engine-source.ts";
import { runIsolated } from "../sandbox/run-isolated.ts";
import { formatScenarioProblems, loadScenarioFile } from "../scenario/load-scenario.ts";
import { scenarioSchema } from "../scenario/schema.ts";

/** Options of {@link defineScenarioTests}. */
export interface ScenarioTestOptions {
  /** Scenario files or folders. */
  readonly scenarios: readonly string[];
  /**
   * Your engine: a module path (SPEC §10), run isolated in a worker thread per scenario as the CLI gate
   * does, or the module object itself, run in the test's own thread.
   */
  readonly engine: string | EngineUnderTest;
  /** Resolves relative paths; default `process.cwd()`. */
  readonly cwd?: string;
  readonly seed?: number;
  readonly transport?: "inproc" | "loopback";
}

/**
 * Turns a folder of scenarios into vitest tests against your engine, so the suite runs inside your own CI:
 *
 * ```ts
 * // fallback.test.ts
 * import { defineScenarioTests } from "fallback-harness/harness";
 * await defineScenarioTests({ scenarios: ["scenarios/"], engine: "./my-engine.ts" });
 * ```
 * One test per scenario; a failure message lists every broken expectation and the first audit violation.
 */
export async function defineScenarioTests(options: ScenarioTestOptions): Promise<void> {
  const cwd = options.cwd ?? process.cwd();
  const source = typeof options.engine === "string" ? await resolveEngineSource(options.engine, cwd) : null;
  if (source !== null && !source.ok) throw new Error(source.message);
  const engineName = source?.ok
    ? source.source.name
    : typeof options.engine === "string"
      ? options.engine
      : options.engine.name;
  const { files, missing } = await collectScenarioFiles(options.scenarios, cwd);
  const fleet = createFleetFactory();
  describe(`fallback scenarios against ${engineName}`, () => {
    if (missing.length > 0 || files.length === 0) {
      it("finds its scenario files", () => {
        expect({ missing, found: files.length }).toEqual({
          missing: [],
          found: expect.any(Number) as unknown,
        });
        expect(files.length).toBeGreaterThan(0);
      });
      return;
    }
    for (const file of files) {
      it(file.slice(cwd.length + 1) || file, async () => {
        const loaded = await loadScenarioFile(file, scenarioSchema);
        if (!loaded.ok) throw new Error(`invalid scenario:\n${formatScenarioProblems(loaded.problems)}`);
        const scenario = loaded.value;
        const seed = options.seed ?? scenario.seed;
        const transport = options.transport ?? scenario.transport;
        const run =
          source?.ok === true
            ? await runIsolated({
                scenario,
                file,
                seed,
                transport,
                engineModule: source.source.module,
                engineName,
                config: (await prepareScenario(scenario, file)).judgeConfig,
              })
            : await runScenario(scenario, {
                engine: options.engine as EngineUnderTest,
                fleet,
                file,
                seed,
                transport,
              });
        const verdict = await judgeRun(run);
        expect(verdict.reasons, `${loaded.value.id} (seed ${run.seed})`).toEqual([]);
      });
    }
  });
}
