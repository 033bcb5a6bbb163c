import type { EngineUnderTest } from "../../src/index.ts";
import { mapPool } from "../sandbox/pool.ts";
import { EngineLoadError, runIsolated } from "../sandbox/run-isolated.ts";
import type { IsolateLimits } from "../sandbox/supervise-isolate.ts";
import { formatScenarioProblems, loadScenarioFile, type ScenarioProblem } from "../scenario/load-scenario.ts";
import { scenarioSchema, type Scenario } from "../scenario/schema.ts";
import { srcConfigReading } from "../scenario/scenario-config-reading.ts";
import { scenarioInputProblems } from "../scenario/validate-scenario.ts";
import { collectScenarioFiles } from "./collect-files.ts";
import type { FleetFactory } from "./fleet-port.ts";
import { judgeRun, type ScenarioVerdict } from "./judge.ts";
import { executeScenario } from "./execute-scenario.ts";
import {
  finishRun,
  prepareScenario,
  ScenarioInputError,
  type PreparedConfigs,
  type ScenarioRun,
} from "./run-scenario.ts";

/** One scenario's result in a suite. */
export interface ScenarioOutcome {
  readonly file: string;
  readonly scenario: Scenario;
  readonly run: ScenarioRun;
  readonly verdict: ScenarioVerdict;
  /** DECISION_118's re-audit: a FAIL re-run once with the same seed. */
  readonly reaudit: {
    readonly verdict: "pass" | "fail";
    readonly deterministic: boolean;
    readonly note: string;
  } | null;
  /** Wall time of the first run, ms (not part of the deterministic report). */
  readonly wallMs: number;
}

/** Options of a suite run. */
export interface SuiteOptions {
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly engine: EngineSource;
  readonly seed?: number;
  readonly tags?: readonly string[];
  readonly transport?: "inproc" | "loopback";
  /** Called as each scenario finishes, for a progress line. */
  readonly onScenario?: (done: number, total: number, outcome: ScenarioOutcome) => void;
  /** Wall clock for timing only; never used for decisions. */
  readonly wallNow?: () => number;
  /** Scenarios run at once (each isolated engine in its own worker thread); default 1. */
  readonly jobs?: number;
  /** Real-time and memory bounds of each isolate. */
  readonly limits?: IsolateLimits;
}

/**
 * The engine a suite runs: a module loaded in a fresh isolate per scenario (the gate: the engine is
 * untrusted), or an engine object run in this process (trusted code: the harness's own tests, benchmarks).
 */
export type EngineSource =
  | { readonly kind: "isolated"; readonly module: string; readonly name: string | null }
  | { readonly kind: "inline"; readonly engine: EngineUnderTest; readonly fleet: FleetFactory };

interface Prepared {
  readonly file: string;
  readonly scenario: Scenario;
  readonly configs: PreparedConfigs;
}

/** Reads every selected scenario's config and fault targets before anything runs (exit 2 lists them all). */
async function prepareAll(
  selected: readonly { file: string; scenario: Scenario }[],
): Promise<{ prepared: Prepared[]; problems: string[] }> {
  const prepared: Prepared[] = [];
  const problems: string[] = [];
  for (const { file, scenario } of selected) {
    try {
      prepared.push({ file, scenario, configs: await prepareScenario(scenario, file) });
    } catch (error) {
      if (!(error instanceof ScenarioInputError)) throw error;
      problems.push(
        `${file}: ${error.message}`,
        ...error.problems.map((p) => `${file}: ${p.pointer || "(root)"}: ${p.message}`),
      );
    }
  }
  return { prepared, problems };
}

/** One scenario to run from an engine source: what ran, with the judge's own config. */
export interface SourcedRun {
  readonly scenario: Scenario;
  readonly file: string;
  /** The engine's parsed config (an inline engine gets a copy) and the judge's own reading. */
  readonly configs: PreparedConfigs;
  readonly seed: number;
  readonly transport: "inproc" | "loopback";
  readonly limits?: IsolateLimits;
}

/** Runs one scenario against an engine source: isolated in a fresh worker, or inline for trusted code. */
export async function runFromSource(source: EngineSource, item: SourcedRun): Promise<ScenarioRun> {
  const { scenario, file, configs, seed, transport } = item;
  if (source.kind === "isolated") {
    return runIsolated({
      scenario,
      file,
      seed,
      transport,
      engineModule: source.module,
      engineName: source.name,
      config: configs.judgeConfig,
      ...(item.limits ? { limits: item.limits } : {}),
    });
  }
  const records = await executeScenario(scenario, {
    engine: source.engine,
    fleet: source.fleet,
    config: structuredClone(configs.engineConfig),
    seed,
    transport,
  });
  return finishRun({ scenario, seed, engine: source.engine.name, config: configs.judgeConfig }, records);
}

async function runOnce(
  source: EngineSource,
  item: Prepared,
  options: SuiteOptions,
): Promise<{ run: ScenarioRun; verdict: ScenarioVerdict }> {
  const run = await runFromSource(source, {
    ...item,
    seed: options.seed ?? item.scenario.seed,
    transport: options.transport ?? item.scenario.transport,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  return { run, verdict: await judgeRun(run) };
}

/** One scenario with DECISION_118's re-audit: a FAIL runs again with the same seed. */
async function runWithReaudit(
  source: EngineSource,
  item: Prepared,
  options: SuiteOptions,
  wallNow: () => number,
): Promise<ScenarioOutcome> {
  const started = wallNow();
  const first = await runOnce(source, item, options);
  const wallMs = Math.round(wallNow() - started);
  let reaudit: ScenarioOutcome["reaudit"] = null;
  if (first.verdict.verdict === "fail") {
    const again = await runOnce(source, item, options);
    const sameBytes =
      again.run.auditText === first.run.auditText && again.run.fleetLogText === first.run.fleetLogText;
    const deterministic = again.verdict.verdict === first.verdict.verdict && sameBytes;
    reaudit = {
      verdict: again.verdict.verdict,
      deterministic,
      note: deterministic
        ? "same verdict and same audit bytes with the same seed: a defect"
        : "a different result with the same seed: non-determinism, itself a defect of the engine or the harness",
    };
  }
  return {
    file: item.file,
    scenario: item.scenario,
    run: first.run,
    verdict: first.verdict,
    reaudit,
    wallMs,
  };
}

/** A suite's result, or the input problems that kept it from running. */
export type SuiteResult =
  | { readonly ok: true; readonly outcomes: readonly ScenarioOutcome[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Loads and validates every scenario first (schema, config, fault targets, what expectations name): any bad
 * file stops the run before anything runs (exit 2), and every bad file is listed.
 */
async function loadAll(
  files: readonly string[],
): Promise<{ loaded: { file: string; scenario: Scenario }[]; problems: ScenarioProblem[] }> {
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
    if (earlier)
      problems.push({
        file,
        line: 1,
        column: 1,
        path: "id",
        message: `duplicate scenario id "${result.value.id}" (also in ${earlier})`,
      });
    ids.set(result.value.id, file);
    problems.push(...(await scenarioInputProblems(result.value, file, srcConfigReading, result.locate)));
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
  if (files.length === 0)
    return {
      ok: false,
      problems: [`no scenario files (*.yaml, *.yml, *.scenario.json) under ${options.paths.join(", ")}`],
    };
  const { loaded, problems } = await loadAll(files);
  if (problems.length > 0) return { ok: false, problems: formatScenarioProblems(problems).split("\n") };
  const selected =
    options.tags && options.tags.length > 0
      ? loaded.filter(({ scenario }) => scenario.tags.some((t) => options.tags?.includes(t)))
      : loaded;
  if (selected.length === 0)
    return { ok: false, problems: [`no scenario has the tag(s) ${options.tags?.join(", ") ?? ""}`] };

  const { prepared, problems: inputProblems } = await prepareAll(selected);
  if (inputProblems.length > 0) return { ok: false, problems: inputProblems };

  let done = 0;
  // A module that cannot load fails the same way in every isolate: unusable input, reported once.
  const results = await mapPool(
    prepared,
    options.jobs ?? 1,
    (item) =>
      runWithReaudit(options.engine, item, options, wallNow).catch((error: unknown) => {
        if (error instanceof EngineLoadError) return error;
        throw error;
      }),
    (result) => {
      if (!(result instanceof EngineLoadError)) options.onScenario?.(++done, prepared.length, result);
    },
  );
  const unloadable = results.find((r) => r instanceof EngineLoadError);
  if (unloadable) return { ok: false, problems: [unloadable.message] };
  return { ok: true, outcomes: results.filter((r): r is ScenarioOutcome => !(r instanceof EngineLoadError)) };
}
