import type { EngineUnderTest } from "../../src/index.ts";
import { formatScenarioProblems, loadScenarioFile, type ScenarioProblem } from "../scenario/load-scenario.ts";
import { scenarioSchema, type Scenario } from "../scenario/schema.ts";
import { collectScenarioFiles } from "./collect-files.ts";
import type { FleetFactory } from "./fleet-port.ts";
import { judgeRun, type ScenarioVerdict } from "./judge.ts";
import { runScenario, ScenarioInputError, type ScenarioRun } from "./run-scenario.ts";

/** One scenario's result in a suite. */
export interface ScenarioOutcome {
  readonly file: string;
  readonly scenario: Scenario;
  readonly run: ScenarioRun;
  readonly verdict: ScenarioVerdict;
  /** DECISION_118's re-audit: a FAIL re-run once with the same seed. */
  readonly reaudit: { readonly verdict: "pass" | "fail"; readonly deterministic: boolean; readonly note: string } | null;
  /** Wall time of the first run, ms (not part of the deterministic report). */
  readonly wallMs: number;
}

/** Options of a suite run. */
export interface SuiteOptions {
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly engine: EngineUnderTest;
  readonly fleet: FleetFactory;
  readonly seed?: number;
  readonly tags?: readonly string[];
  readonly transport?: "inproc" | "loopback";
  /** Called as each scenario finishes, for a progress line. */
  readonly onScenario?: (done: number, total: number, outcome: ScenarioOutcome) => void;
  /** Wall clock for timing only; never used for decisions. */
  readonly wallNow?: () => number;
}

/** A suite's result, or the input problems that kept it from running. */
export type SuiteResult =
  | { readonly ok: true; readonly outcomes: readonly ScenarioOutcome[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Loads every scenario first: one bad file stops the run before anything runs (exit 2). */
async function loadAll(files: readonly string[]): Promise<{ loaded: { file: string; scenario: Scenario }[]; problems: ScenarioProblem[] }> {
  const loaded: { file: string; scenario: Scenario }[] = [];
  const problems: ScenarioProblem[] = [];
  const ids = new Map<string, string>();
  for (const file of files) {
    const result = await loadScenarioFile(file, scenarioSchema);
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    const earlier = ids.get(result.value.id);
    if (earlier) problems.push({ file, line: 1, column: 1, path: "id", message: `duplicate scenario id "${result.value.id}" (also in ${earlier})` });
    ids.set(result.value.id, file);
    loaded.push({ file, scenario: result.value });
  }
  return { loaded, problems };
}

/**
 * Runs scenario files against an engine. Every FAIL is re-run once with the same seed: the same verdict
 * means a defect; a different one means non-determinism, itself a defect (SPEC §9).
 */
export async function runSuite(options: SuiteOptions): Promise<SuiteResult> {
  const wallNow = options.wallNow ?? (() => performance.now());
  const { files, missing } = await collectScenarioFiles(options.paths, options.cwd);
  if (missing.length > 0) return { ok: false, problems: missing.map((m) => `${m}: no such file or folder`) };
  if (files.length === 0) return { ok: false, problems: [`no scenario files (*.yaml, *.yml, *.scenario.json) under ${options.paths.join(", ")}`] };
  const { loaded, problems } = await loadAll(files);
  if (problems.length > 0) return { ok: false, problems: formatScenarioProblems(problems).split("\n") };
  const selected = options.tags && options.tags.length > 0 ? loaded.filter(({ scenario }) => scenario.tags.some((t) => options.tags?.includes(t))) : loaded;
  if (selected.length === 0) return { ok: false, problems: [`no scenario has the tag(s) ${options.tags?.join(", ") ?? ""}`] };

  const outcomes: ScenarioOutcome[] = [];
  for (const { file, scenario } of selected) {
    const runOnce = async (): Promise<{ run: ScenarioRun; verdict: ScenarioVerdict }> => {
      const run = await runScenario(scenario, {
        engine: options.engine,
        fleet: options.fleet,
        file,
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(options.transport ? { transport: options.transport } : {}),
      });
      return { run, verdict: await judgeRun(run) };
    };
    const started = wallNow();
    let first: { run: ScenarioRun; verdict: ScenarioVerdict };
    try {
      first = await runOnce();
    } catch (error) {
      if (error instanceof ScenarioInputError) {
        const details = error.problems.map((p) => `${file}: ${p.pointer || "(root)"}: ${p.message}`);
        return { ok: false, problems: [`${file}: ${error.message}`, ...details] };
      }
      throw error;
    }
    const wallMs = Math.round(wallNow() - started);
    let reaudit: ScenarioOutcome["reaudit"] = null;
    if (first.verdict.verdict === "fail") {
      const again = await runOnce();
      const sameBytes = again.run.auditText === first.run.auditText && again.run.fleetLogText === first.run.fleetLogText;
      const deterministic = again.verdict.verdict === first.verdict.verdict && sameBytes;
      reaudit = {
        verdict: again.verdict.verdict,
        deterministic,
        note: deterministic
          ? "same verdict and same audit bytes with the same seed: a defect"
          : "a different result with the same seed: non-determinism, itself a defect of the engine or the harness",
      };
    }
    const outcome: ScenarioOutcome = { file, scenario, run: first.run, verdict: first.verdict, reaudit, wallMs };
    outcomes.push(outcome);
    options.onScenario?.(outcomes.length, selected.length, outcome);
  }
  return { ok: true, outcomes };
}
