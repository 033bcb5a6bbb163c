import { fileURLToPath } from "node:url";
import { collectScenarioFiles } from "../runner/collect-files.ts";
import { runSuite } from "../runner/run-suite.ts";
import { REFERENCE_ENGINE_MODULE } from "../sandbox/engine-source.ts";
import type { SuiteSection } from "./bench-report.ts";
import { medianBareWorkerStartMs } from "./worker-start.ts";

/** Bounds of the suite bench. */
export interface SuiteBenchOptions {
  /** Where the run's relative paths start; the scenarios are always the shipped ones. */
  readonly root: string;
  /** The shipped scenarios run, by folder, first `scenarios` files in path order (a fixed, stable set). */
  readonly folder: string;
  readonly scenarios: number;
  /** Bare worker starts timed; their median is the unit. */
  readonly workerStarts: number;
}

/** The shipped library, wherever the bench is run from (a user's project has no `scenarios/chains`). */
const SHIPPED = fileURLToPath(new URL("../../scenarios/", import.meta.url));
/** The user's engine the suite is run with too: an AI SDK engine with a resilience library, as users write. */
const USER_ENGINE = "examples/engines/cockatiel.ts";

/** Runs `paths` isolated with `engine`, one scenario after another as `run` does: wall time and passes. */
async function timeSuite(
  paths: readonly string[],
  root: string,
  engine: { readonly module: string; readonly name: string },
): Promise<{ wallMs: number; scenarios: number; passed: number }> {
  const started = performance.now();
  const result = await runSuite({ paths, cwd: root, engine: { kind: "isolated", ...engine } });
  const wallMs = performance.now() - started;
  if (!result.ok)
    throw new Error(`Failed to run the bench suite with ${engine.name}: ${result.problems.join("; ")}.`);
  return {
    wallMs,
    scenarios: result.outcomes.length,
    passed: result.outcomes.filter((o) => o.verdict.verdict === "pass").length,
  };
}

/**
 * The suite's wall time per scenario (issue 15 §6), as `run` spends it: each scenario isolated with the
 * reference engine (warm workers, a fresh engine module per scenario: supervise-isolate.ts), one at a time,
 * judged; then the same scenarios with a user's engine, compiled once and evaluated in a fresh isolate
 * each time. Its unit is one bare worker start timed in the same run, so the ratio follows the harness's own cost
 * (isolation, fleet, judging) while a slower or busier machine, which slows both, cancels out. The same
 * scenarios in process would not do as the unit: they share the fleet and the judge with the isolated run,
 * so a regression there would cancel out too.
 */
export async function benchSuite(
  options: SuiteBenchOptions,
  progress: (line: string) => void,
): Promise<SuiteSection> {
  const { files } = await collectScenarioFiles([`${SHIPPED}${options.folder}`], options.root);
  const chosen = [...files].sort().slice(0, options.scenarios);
  progress(`suite: ${options.workerStarts} bare worker starts`);
  const workerStartMs = Math.max(await medianBareWorkerStartMs(options.workerStarts), 0.001);
  progress(`suite: ${chosen.length} scenarios of scenarios/${options.folder}, isolated`);
  const reference = await timeSuite(chosen, options.root, {
    module: REFERENCE_ENGINE_MODULE,
    name: "reference",
  });
  progress(`suite: the same with ${USER_ENGINE}`);
  const user = await timeSuite(chosen, options.root, {
    module: new URL(`../../${USER_ENGINE}`, import.meta.url).href,
    name: "cockatiel",
  });
  const perScenario = (wallMs: number, scenarios: number): number => wallMs / Math.max(scenarios, 1);
  const perScenarioMs = perScenario(reference.wallMs, reference.scenarios);
  const userPerScenarioMs = perScenario(user.wallMs, user.scenarios);
  return {
    folder: options.folder,
    scenarios: reference.scenarios,
    passed: reference.passed,
    wallMs: Math.round(reference.wallMs),
    perScenarioMs,
    bareWorkerStartMs: workerStartMs,
    perScenarioPerWorkerStart: perScenarioMs / workerStartMs,
    userEngine: {
      engine: USER_ENGINE,
      passed: user.passed,
      wallMs: Math.round(user.wallMs),
      perScenarioMs: userPerScenarioMs,
      perScenarioPerWorkerStart: userPerScenarioMs / workerStartMs,
    },
  };
}
