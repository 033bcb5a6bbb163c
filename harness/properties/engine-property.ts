import fc from "fast-check";
import type { EngineUnderTest } from "../../src/index.ts";
import { createFleetFactory } from "../runner/fleet-adapter.ts";
import { judgeRun } from "../runner/judge.ts";
import { prepareScenario, type ScenarioRun } from "../runner/run-scenario.ts";
import { runFromSource, type EngineSource } from "../runner/run-suite.ts";
import { scenarioSchema } from "../scenario/schema.ts";
import { writeCounterexample } from "./counterexample.ts";
import { engineLawViolations, type LawViolation } from "./engine-laws.ts";
import { scenarioArbitrary, type ScenarioInput } from "./scenario-arbitrary.ts";

/** How to run the engine property. */
export interface EnginePropertyOptions {
  /** An engine object (run in this thread) or a source (the gate: an isolate per generated scenario). */
  readonly engine: EngineUnderTest | EngineSource;
  /** The `--engine` argument that loads `engine` for a replay (omitted: the reference engine). */
  readonly engineModule?: string;
  /** Kebab-case name, used in the counterexample's file name. */
  readonly name: string;
  readonly seed: number;
  readonly numRuns: number;
  /** Where the repository is (counterexamples go under `reports/counterexamples/` below it). */
  readonly cwd: string;
  /** Overrides `reports/counterexamples`. */
  readonly dir?: string;
  /**
   * Wall-clock budget for runs and shrinking together. When it runs out during shrinking, the smallest
   * failing case found so far is the counterexample; when it runs out before any failure, the property passes
   * with the runs it made (fast-check's `interruptAfterTimeLimit`).
   */
  readonly timeLimitMs?: number;
}

/** What the property found: nothing, or a shrunk counterexample written as a scenario. */
export type EnginePropertyResult =
  | { readonly ok: true; readonly numRuns: number }
  | {
      readonly ok: false;
      readonly seed: number;
      readonly path: string;
      readonly scenario: ScenarioInput;
      readonly violations: readonly LawViolation[];
      /** The counterexample file, relative to `cwd`. */
      readonly file: string;
      /** One paragraph for a test failure: the laws, the seed and how to replay. */
      readonly report: string;
    };

/** Runs one generated scenario and judges it by every engine law. */
export async function runAndJudge(
  input: ScenarioInput,
  engine: EngineUnderTest | EngineSource,
  cwd: string,
): Promise<{ run: ScenarioRun; violations: LawViolation[] }> {
  const scenario = scenarioSchema.parse(input);
  const file = `${cwd}/generated.yaml`;
  const source: EngineSource =
    "kind" in engine ? engine : { kind: "inline", engine, fleet: createFleetFactory() };
  const run = await runFromSource(source, {
    scenario,
    file,
    configs: await prepareScenario(scenario, file),
    seed: scenario.seed,
    transport: scenario.transport,
  });
  return { run, violations: engineLawViolations(run, await judgeRun(run)) };
}

class LawsBroken extends Error {
  override readonly name = "LawsBroken";
  constructor(readonly violations: readonly LawViolation[]) {
    super(violations.map((v) => `[${v.law}] ${v.message}`).join("\n"));
  }
}

/**
 * Why fast-check failed with no counterexample. Interrupted by the time limit before any run passed, it
 * fails even with `markInterruptAsFailure: false` (zero runs prove nothing) and has no error to show.
 */
export function noCounterexample(
  details: Pick<fc.RunDetails<unknown>, "interrupted" | "numRuns" | "numSkips" | "errorInstance">,
  options: Pick<EnginePropertyOptions, "timeLimitMs" | "numRuns">,
): string {
  if (details.interrupted)
    return `The engine property was interrupted by its time limit (${String(options.timeLimitMs)} ms) before any of its ${options.numRuns} runs passed (${details.numRuns} passed, ${details.numSkips} skipped): nothing was checked. Give it more time (timeLimitMs) or an engine that answers sooner.`;
  return `Failed to run the engine property: ${String(details.errorInstance)}. Fix the harness; no counterexample was produced.`;
}

/**
 * The engine under random fault schedules: random configs × fault bindings × traffic, each run on the
 * virtual clock and judged by {@link engineLawViolations}. A failure is shrunk, re-run once to write its
 * scenario file (with the broken laws as expectations) and reported with its seed and replay command.
 */
export async function checkEngineUnderFaults(options: EnginePropertyOptions): Promise<EnginePropertyResult> {
  // fast-check's time limit stops awaiting a run but cannot stop it: the interrupted run goes on with its
  // in-process fleet listening, and the next fleet (the replay below, the next test) would find it there.
  const inFlight = new Set<Promise<unknown>>();
  const details = await fc.check(
    fc.asyncProperty(scenarioArbitrary, async (input) => {
      const run = runAndJudge(input, options.engine, options.cwd);
      inFlight.add(run);
      const { violations } = await run.finally(() => inFlight.delete(run));
      if (violations.length > 0) throw new LawsBroken(violations);
    }),
    {
      seed: options.seed,
      numRuns: options.numRuns,
      ...(options.timeLimitMs === undefined
        ? {}
        : { interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: false }),
    },
  );
  // Let an interrupted run finish, which closes its fleet.
  await Promise.allSettled(inFlight);
  if (!details.failed) return { ok: true, numRuns: details.numRuns };
  const scenario = details.counterexample?.[0];
  if (scenario === undefined) throw new Error(noCounterexample(details, options));
  const { run, violations } = await runAndJudge(scenario, options.engine, options.cwd);
  const path = details.counterexamplePath ?? "";
  const file = await writeCounterexample(
    {
      name: options.name,
      seed: options.seed,
      path,
      scenario,
      run,
      violations,
      ...(options.engineModule ? { engineModule: options.engineModule } : {}),
    },
    { cwd: options.cwd, ...(options.dir ? { dir: options.dir } : {}) },
  );
  const replay = `npx fallback-harness run ${file}${options.engineModule ? ` --engine ${options.engineModule}` : ""}`;
  const report = [
    `${options.name} failed after ${details.numRuns} run(s) (seed=${options.seed}, path="${path}"), shrunk ${details.numShrinks} time(s):`,
    ...violations.slice(0, 8).map((v) => `  [${v.law}] ${v.message}`),
    `counterexample: ${file}`,
    `replay: ${replay}`,
    `re-run the property: FH_SEED=${options.seed} npx vitest run --project property harness/properties`,
  ].join("\n");
  return { ok: false, seed: options.seed, path, scenario, violations, file, report };
}
