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

/**
 * The suite's wall time per scenario (issue 15 §6), as `run` spends it: each scenario isolated with the
 * reference engine (warm workers, a fresh engine module per scenario: supervise-isolate.ts), one at a time,
 * judged. Its unit is one bare worker start timed in the same
 * run, so the ratio follows the harness's own cost (isolation, fleet, judging) while a slower or busier
 * machine, which slows both, cancels out. The same scenarios in process would not do as the unit: they
 * share the fleet and the judge with the isolated run, so a regression there would cancel out too.
 */
export async function benchSuite(
  options: SuiteBenchOptions,
  progress: (line: string) => void,
): Promise<SuiteSection> {
  const { files } = await collectScenarioFiles([`${SHIPPED}${options.folder}`], options.root);
  const chosen = [...files].sort().slice(0, options.scenarios);
  progress(`suite: ${options.workerStarts} bare worker starts`);
  const workerStartMs = await medianBareWorkerStartMs(options.workerStarts);
  progress(`suite: ${chosen.length} scenarios of scenarios/${options.folder}, isolated`);
  const started = performance.now();
  const result = await runSuite({
    paths: chosen,
    cwd: options.root,
    engine: { kind: "isolated", module: REFERENCE_ENGINE_MODULE, name: "reference" },
  });
  const wallMs = performance.now() - started;
  if (!result.ok)
    throw new Error(
      `Failed to run the bench suite: ${result.problems.join("; ")}. Check scenarios/${options.folder}.`,
    );
  const scenarios = result.outcomes.length;
  const perScenarioMs = wallMs / Math.max(scenarios, 1);
  return {
    folder: options.folder,
    scenarios,
    passed: result.outcomes.filter((o) => o.verdict.verdict === "pass").length,
    wallMs: Math.round(wallMs),
    perScenarioMs,
    bareWorkerStartMs: workerStartMs,
    perScenarioPerWorkerStart: perScenarioMs / Math.max(workerStartMs, 0.001),
  };
}
