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
import { formatShard, type Shard } from "../runner/shard.ts";
import { scenarioFilesOfShard } from "./shard-files.ts";

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
  /**
   * Only this shard's scenarios (`"2/3"`), chosen by scenario id as `run --shard` chooses. vitest's own
   * `--shard` splits by test FILE, and this helper puts every scenario in the one file that calls it, so
   * vitest alone would send the whole suite to one runner: write one small file per shard instead, each
   * calling the helper with its `shard`, and let `vitest --shard` deal those files out.
   */
  readonly shard?: Shard | string;
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
  const collected = await collectScenarioFiles(options.scenarios, cwd);
  const { missing } = collected;
  const files = options.shard
    ? await scenarioFilesOfShard(collected.files, options.shard, cwd)
    : collected.files;
  const fleet = createFleetFactory();
  describe(`fallback scenarios against ${engineName}`, () => {
    if (missing.length > 0 || collected.files.length === 0) {
      it("finds its scenario files", () => {
        expect({ missing, found: collected.files.length }).toEqual({
          missing: [],
          found: expect.any(Number) as unknown,
        });
        expect(collected.files.length).toBeGreaterThan(0);
      });
      return;
    }
    if (files.length === 0) {
      // A small suite can leave a shard empty; vitest fails a file without tests, so say it as a test.
      const label = typeof options.shard === "object" ? formatShard(options.shard) : String(options.shard);
      it(`shard ${label} holds none of the ${collected.files.length} scenario(s)`, () => {
        expect(files).toEqual([]);
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
