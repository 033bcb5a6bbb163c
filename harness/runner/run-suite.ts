import type { EngineUnderTest } from "../../src/index.ts";
import { mapPool } from "../sandbox/pool.ts";
import { EngineLoadError, runIsolated } from "../sandbox/run-isolated.ts";
import { WarmIsolates, type IsolateLimits } from "../sandbox/supervise-isolate.ts";
import { formatScenarioProblems, loadScenarioFile, type ScenarioProblem } from "../scenario/load-scenario.ts";
import { scenarioSchema, type Scenario } from "../scenario/schema.ts";
import { srcConfigReading } from "../scenario/scenario-config-reading.ts";
import { scenarioInputProblems } from "../scenario/validate-scenario.ts";
import { collectScenarioFiles } from "./collect-files.ts";
import type { FleetFactory } from "./fleet-port.ts";
import { judgeRun, type ScenarioVerdict } from "./judge.ts";
import { executeScenario } from "./execute-scenario.ts";
import { DEFAULT_REALTIME_BUDGET_MS, estimateSpan, realtimeScenario } from "./realtime-span.ts";
import { inShard, type Shard } from "./shard.ts";
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
  /** DECISION_118's re-audit of a FAIL (null when the scenario did not fail). */
  readonly reaudit: Reaudit | null;
  /** Wall time of the first run, ms (not part of the deterministic report). */
  readonly wallMs: number;
}

/**
 * DECISION_118's re-audit: a FAIL re-run once with the same seed, and what the second run says; or, on real
 * time, why it was not re-run (the budget left could not hold it).
 */
export type Reaudit =
  | { readonly verdict: "pass" | "fail"; readonly deterministic: boolean; readonly note: string }
  | { readonly verdict: null; readonly deterministic: null; readonly note: string };

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
  /** `real`: every scenario on the wall clock with the fleet on loopback (SPEC §10.4); else each its own. */
  readonly clock?: "virtual" | "real";
  /**
   * Real-time runs: wall time of the whole run, ms. A scenario whose estimated span exceeds what is left is
   * skipped with the reason (never silently). Default {@link DEFAULT_REALTIME_BUDGET_MS}.
   */
  readonly realtimeBudgetMs?: number;
  /** Extra environment of each engine isolate (a process engine's settings). */
  readonly engineEnv?: Readonly<Record<string, string>>;
  /** Serve each scenario's loopback fleet on this fixed port (a user-started gateway points at it). */
  readonly fleetPort?: number;
  /** Run only this shard's scenarios (every file is still loaded and checked, so all shards agree on input). */
  readonly shard?: Shard;
}

/**
 * The engine a suite runs: a module loaded afresh in an isolate per scenario (the gate: the engine is
 * untrusted), or an engine object run in this process (trusted code: the harness's own tests, benchmarks).
 */
export type EngineSource =
  | {
      readonly kind: "isolated";
      readonly module: string;
      readonly name: string | null;
      /** A process engine's cost once per scenario (start, cold first request, stop), ms, for the budget. */
      readonly startupMs?: number;
    }
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
  readonly clock?: "virtual" | "real";
  readonly engineEnv?: Readonly<Record<string, string>>;
  readonly fleetPort?: number;
  /** Warm workers shared by a suite's scenarios (isolated engines only). */
  readonly warm?: WarmIsolates;
}

/** Runs one scenario against an engine source: isolated (fresh or warm worker), or inline for trusted code. */
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
      ...(item.clock ? { clock: item.clock } : {}),
      ...(item.engineEnv ? { engineEnv: item.engineEnv } : {}),
      ...(item.fleetPort !== undefined ? { fleetPort: item.fleetPort } : {}),
      ...(item.warm ? { warm: item.warm } : {}),
    });
  }
  const records = await executeScenario(item.clock ? { ...scenario, clock: item.clock } : scenario, {
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
  warm: WarmIsolates,
): Promise<{ run: ScenarioRun; verdict: ScenarioVerdict }> {
  const realtime = (options.clock ?? item.scenario.clock) === "real";
  const run = await runFromSource(source, {
    ...item,
    // Real time: the wall clock, the fleet on loopback, elapsed bounds with the stated tolerance.
    ...(realtime ? { scenario: realtimeScenario(item.scenario), clock: "real" as const } : {}),
    seed: options.seed ?? item.scenario.seed,
    transport: realtime ? "loopback" : (options.transport ?? item.scenario.transport),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.engineEnv ? { engineEnv: options.engineEnv } : {}),
    ...(options.fleetPort !== undefined ? { fleetPort: options.fleetPort } : {}),
    warm,
  });
  return { run, verdict: await judgeRun(run) };
}

/** One scenario's first run, timed; a FAIL's re-audit is added by {@link reaudited}. */
async function runFirst(
  source: EngineSource,
  item: Prepared,
  options: SuiteOptions,
  wallNow: () => number,
  warm: WarmIsolates,
): Promise<ScenarioOutcome> {
  const started = wallNow();
  const first = await runOnce(source, item, options, warm);
  const wallMs = Math.round(wallNow() - started);
  return { file: item.file, scenario: item.scenario, ...first, reaudit: null, wallMs };
}

const isRealTime = (options: SuiteOptions, item: Prepared): boolean =>
  (options.clock ?? item.scenario.clock) === "real";

/**
 * DECISION_118's re-audit: a FAIL runs again with the same seed. On the virtual clock the second run must
 * give the same verdict and the same audit and fleet bytes. On real time the bytes cannot match (wall-clock
 * timestamps and gaps differ from run to run), so only the verdicts are compared, and the note says so.
 */
async function reaudited(
  first: ScenarioOutcome,
  source: EngineSource,
  item: Prepared,
  options: SuiteOptions,
  warm: WarmIsolates,
): Promise<ScenarioOutcome> {
  const again = await runOnce(source, item, options, warm);
  const sameVerdict = again.verdict.verdict === first.verdict.verdict;
  if (isRealTime(options, item)) {
    const note = sameVerdict
      ? "same verdict with the same seed on real time (bytes not compared: wall-clock timings differ between runs): a defect"
      : `${again.verdict.verdict.toUpperCase()} when re-run with the same seed on real time: the failure depends on timing (machine load or the engine's own timers), not a reproduced defect`;
    return { ...first, reaudit: { verdict: again.verdict.verdict, deterministic: sameVerdict, note } };
  }
  const sameBytes =
    again.run.auditText === first.run.auditText && again.run.fleetLogText === first.run.fleetLogText;
  const deterministic = sameVerdict && sameBytes;
  const note = deterministic
    ? "same verdict and same audit bytes with the same seed: a defect"
    : "a different result with the same seed: non-determinism, itself a defect of the engine or the harness";
  return { ...first, reaudit: { verdict: again.verdict.verdict, deterministic, note } };
}

/** A suite's result, or the input problems that kept it from running. */
export type SuiteResult =
  | {
      readonly ok: true;
      readonly outcomes: readonly ScenarioOutcome[];
      /** Ids of every selected scenario in run order, this shard's or not (merge-reports orders by it). */
      readonly selection: readonly string[];
      /** Real-time runs: scenarios not run because their span exceeded the budget left, with the reason. */
      readonly skipped?: readonly SkippedScenario[];
    }
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
  const shard = options.shard;
  const mine = shard ? prepared.filter((p) => inShard(p.scenario.id, shard)) : prepared;

  let done = 0;
  const budget = realtimeBudget(options, wallNow);
  // One scenario after another in the same worker where that is safe (supervise-isolate.ts, WarmIsolates):
  // a worker start per scenario was most of the shipped library's time.
  const warm = new WarmIsolates();
  // A module that cannot load fails the same way in every isolate: unusable input, reported once.
  // On the virtual clock a FAIL is re-audited at once. On real time every scenario runs first and the FAILs
  // are re-audited after, with what is left of the budget: a re-run costs as much wall time as the run
  // (a hang, its whole deadline), and a scenario never run says less than a FAIL not re-run.
  try {
    const results = await mapPool(
      mine,
      options.jobs ?? 1,
      (item): Promise<ScenarioOutcome | EngineLoadError | SkippedScenario> => {
        const skip = budget.skip(item);
        if (skip !== null) return Promise.resolve(skip);
        return loadErrorAsValue(
          runFirst(options.engine, item, options, wallNow, warm).then((first) =>
            first.verdict.verdict === "fail" && !isRealTime(options, item)
              ? reaudited(first, options.engine, item, options, warm)
              : first,
          ),
        );
      },
      (result) => {
        if (!(result instanceof EngineLoadError) && !(result instanceof SkippedScenario))
          options.onScenario?.(++done, mine.length, result);
      },
    );
    const unloadable = results.find((r) => r instanceof EngineLoadError);
    if (unloadable) return { ok: false, problems: [unloadable.message] };
    const ran = results.filter((r): r is ScenarioOutcome => !(r instanceof SkippedScenario));
    const outcomes: ScenarioOutcome[] = [];
    for (const outcome of ran) {
      const item = mine.find((p) => p.scenario === outcome.scenario);
      if (item === undefined || outcome.reaudit !== null || outcome.verdict.verdict !== "fail") {
        outcomes.push(outcome);
        continue;
      }
      const refused = budget.refuseRerun(outcome.wallMs);
      const again =
        refused === null
          ? await loadErrorAsValue(reaudited(outcome, options.engine, item, options, warm))
          : { ...outcome, reaudit: { verdict: null, deterministic: null, note: refused } };
      outcomes.push(again instanceof EngineLoadError ? outcome : again);
    }
    return {
      ok: true,
      outcomes,
      selection: prepared.map((p) => p.scenario.id),
      skipped: results.filter((r) => r instanceof SkippedScenario),
    };
  } finally {
    await warm.close();
  }
}

/** An engine module that cannot load, as a value (reported once as unusable input); anything else rethrown. */
function loadErrorAsValue<T>(work: Promise<T>): Promise<T | EngineLoadError> {
  return work.catch((error: unknown) => {
    if (error instanceof EngineLoadError) return error;
    throw error;
  });
}

/** A scenario a real-time run did not run, and why. */
export class SkippedScenario {
  constructor(
    readonly file: string,
    readonly id: string,
    readonly reason: string,
  ) {}
}

/**
 * The real-time budget: a scenario runs only if its estimated span fits in what is left of the run's
 * wall time (each scenario is charged its span when it starts, so parallel lanes share one budget).
 */
function realtimeBudget(
  options: SuiteOptions,
  wallNow: () => number,
): {
  skip(item: Prepared): SkippedScenario | null;
  /** Why a FAIL's real-time re-run, as long as its first run, does not fit what is left; null if it does. */
  refuseRerun(wallMs: number): string | null;
} {
  const total = options.realtimeBudgetMs ?? DEFAULT_REALTIME_BUDGET_MS;
  const started = wallNow();
  let committed = 0;
  return {
    refuseRerun(wallMs) {
      const left = total - Math.max(committed, wallNow() - started);
      if (wallMs <= left) {
        committed = Math.max(committed, wallNow() - started) + wallMs;
        return null;
      }
      return `not re-run: the re-run would take about ${wallMs} ms (its first run's wall time), more than the ${Math.max(0, Math.round(left))} ms left of the ${total} ms real-time budget (--realtime-budget)`;
    },
    skip(item) {
      if ((options.clock ?? item.scenario.clock) !== "real") return null;
      const startupMs = options.engine.kind === "isolated" ? (options.engine.startupMs ?? 0) : 0;
      const span = estimateSpan(item.scenario, item.configs.judgeConfig, startupMs);
      const left = total - Math.max(committed, wallNow() - started);
      if (span.ms > left) {
        return new SkippedScenario(
          item.file,
          item.scenario.id,
          `skipped on real time: its estimated span ${span.ms} ms (${span.basis}) exceeds the ${Math.max(0, Math.round(left))} ms left of the ${total} ms budget (--realtime-budget)`,
        );
      }
      committed = Math.max(committed, wallNow() - started) + span.ms;
      return null;
    },
  };
}
