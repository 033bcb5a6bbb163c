import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchAudit } from "./audit-bench.ts";
import { CONTENDERS, type BenchReport, type ScaleSection } from "./bench-report.ts";
import { ALL_CONTENDERS } from "./contenders.ts";
import { describeEnvironment } from "./environment.ts";
import { forkFailoverBench } from "./failover-process.ts";
import { collectRatios, evaluateGoals, SCALE_HEAP_MB } from "./goals.ts";
import { benchLibrary } from "./library-bench.ts";
import type { ProfileBudget } from "./cpu-profile.ts";
import type { MeasureBudget, RoundsBudget } from "./measure.ts";
import { forkOverheadBench } from "./overhead-process.ts";
import { renderMarkdown } from "./render-markdown.ts";
import { forkHeapLimitedScaleBench, forkScaleBench } from "./scale-process.ts";
import { benchSimulation } from "./simulation-bench.ts";
import { benchSuite } from "./suite-bench.ts";
import { renderLatencySvg } from "./svg-plot.ts";

/** The shipped scenarios the suite bench runs: quick, virtual-clock chain walks. */
const SUITE_FOLDER = "chains";

/** Every bound of one bench run: counts and wall-time caps, so the whole run has a ceiling. */
export interface BenchPlan {
  /** In rounds: every contender of a case next to its limit, so drift between them stays out of the ratio. */
  readonly failover: RoundsBudget;
  /** Each failover contender (and the limit) profiled after its rounds, for where its CPU goes. */
  readonly failoverProfile: ProfileBudget;
  readonly overhead: MeasureBudget;
  readonly auditLines: number;
  readonly auditEngineRequests: number;
  readonly simRequests: number;
  readonly simWallCapMs: number;
  readonly propertyCases: number;
  readonly scaleRequests: number;
  readonly scaleWallCapMs: number;
  /** Shipped scenarios run isolated for the suite's wall time per scenario, and bare worker starts timed. */
  readonly suiteScenarios: number;
  readonly suiteWorkerStarts: number;
  /**
   * The shipped library through the CLI on one core: runs (median reported), scenarios (null: all, the
   * goal's measurement), and bare worker starts on that core for the unit.
   */
  readonly libraryRuns: number;
  readonly libraryScenarios: number | null;
  readonly libraryWorkerStarts: number;
}

/**
 * The full plan (issue 8's sizes). Rough ceiling on two idle cores: failover 2 transports × 5 processes ×
 * 4 cases × (the tasks' 0.5 s each, 3 tasks or the reference's 7, + 0.4 s of warm-up + ≤ 0.6 s per profile),
 * overhead 2 × 7 × ~0.6 s, audit ~40 s, simulation ≤ 60 s, scale ≤ 60 s plus the CPU work already queued
 * when its cap aborts the rest, the shipped library 3 × ~11 s on one core: about four minutes on a quiet
 * machine (226 s measured), more on a loaded one; the caps keep it finite.
 */
export const FULL_PLAN: BenchPlan = {
  failover: { timeMs: 500, minRounds: 30, maxRounds: 20_000, warmupRounds: 20, warmupMs: 400 },
  failoverProfile: { requests: 1_000, maxMs: 600, intervalUs: 100 },
  overhead: { timeMs: 450, iterations: 300, warmupMs: 100, warmupIterations: 200, passes: 3 },
  auditLines: 1_000_000,
  auditEngineRequests: 10_000,
  simRequests: 10_000,
  simWallCapMs: 60_000,
  propertyCases: 1_000,
  scaleRequests: 10_000,
  scaleWallCapMs: 60_000,
  suiteScenarios: 9,
  suiteWorkerStarts: 9,
  libraryRuns: 3,
  libraryScenarios: null,
  libraryWorkerStarts: 9,
};

/** A smoke-sized plan: every section runs and is reported, in seconds; the numbers mean nothing. */
export const QUICK_PLAN: BenchPlan = {
  failover: { timeMs: 10, minRounds: 3, maxRounds: 50, warmupRounds: 1, warmupMs: 0 },
  failoverProfile: { requests: 3, maxMs: 50, intervalUs: 500 },
  overhead: { timeMs: 10, iterations: 20, warmupMs: 0, warmupIterations: 5, passes: 1 },
  auditLines: 2_000,
  auditEngineRequests: 100,
  simRequests: 40,
  simWallCapMs: 5_000,
  propertyCases: 20,
  scaleRequests: 100,
  scaleWallCapMs: 10_000,
  suiteScenarios: 1,
  suiteWorkerStarts: 3,
  // Two scenarios, once: the row shows the measurement works and says the goal was not judged.
  libraryRuns: 1,
  libraryScenarios: 2,
  libraryWorkerStarts: 3,
};

/** Options of {@link runBench}. */
export interface RunBenchOptions {
  readonly quick: boolean;
  /** Where `<timestamp>.json`, `.md` and `.svg` go (created if missing). */
  readonly outDir: string;
  /** The project root, for package versions. */
  readonly root: string;
  readonly progress: (line: string) => void;
  /** Overrides the plan (tests). */
  readonly plan?: BenchPlan;
}

/** What a bench run wrote. */
export interface BenchOutput {
  readonly report: BenchReport;
  readonly markdown: string;
  readonly jsonPath: string;
  readonly markdownPath: string;
  readonly svgPath: string;
}

/**
 * Runs every section of issue 8 in one process, so every ratio has its baseline from the same run, and
 * writes the report as JSON, Markdown and an SVG plot named after the start time.
 */
export async function runBench(options: RunBenchOptions): Promise<BenchOutput> {
  const plan = options.plan ?? (options.quick ? QUICK_PLAN : FULL_PLAN);
  const { progress } = options;
  const startedAt = new Date();
  const started = performance.now();
  const environment = describeEnvironment(options.root);
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-");

  // In process first: its bare call is the unit of the overhead ratio.
  const profileFolder = `${stamp}.profiles`;
  mkdirSync(join(options.outDir, profileFolder), { recursive: true });
  const profiling = { budget: plan.failoverProfile, dir: join(options.outDir, profileFolder) };
  const inproc = await forkFailoverBench("inproc", CONTENDERS, plan.failover, progress, profiling);
  const bareMockedCall = inproc.bareOk.summary;
  // In a process of its own: its engines meet the stub calls with call sites the real callers left alone.
  const overhead = await forkOverheadBench(plan.overhead, bareMockedCall.p50, progress);
  const loopback = await forkFailoverBench("loopback", CONTENDERS, plan.failover, progress, profiling);
  const failover = [...inproc.rows, ...loopback.rows];
  const audit = await benchAudit(
    { lines: plan.auditLines, engineRequests: plan.auditEngineRequests },
    progress,
  );
  const simulation = await benchSimulation(
    { requests: plan.simRequests, propertyCases: plan.propertyCases, wallCapMs: plan.simWallCapMs },
    progress,
  );
  // In a process of its own: its peak heap is the run's, not also what the sections above left behind.
  const uncapped = await forkScaleBench(plan.scaleRequests, plan.scaleWallCapMs, progress);
  progress(`scale: again with the heap limited to ${SCALE_HEAP_MB} MB`);
  const scale: ScaleSection = {
    ...uncapped,
    heapLimited: await forkHeapLimitedScaleBench(
      plan.scaleRequests,
      plan.scaleWallCapMs,
      SCALE_HEAP_MB,
      progress,
    ),
  };
  const suite = await benchSuite(
    {
      root: options.root,
      folder: SUITE_FOLDER,
      scenarios: plan.suiteScenarios,
      workerStarts: plan.suiteWorkerStarts,
    },
    progress,
  );
  const library = await benchLibrary(
    {
      runs: plan.libraryRuns,
      scenarios: plan.libraryScenarios,
      workerStarts: plan.libraryWorkerStarts,
    },
    options.root,
    progress,
  );

  const goals = evaluateGoals({
    overhead,
    failover,
    audit,
    simulation,
    scale,
    library,
    bareMockedCallMs: bareMockedCall.p50,
    targetAuditLines: plan.auditLines,
    targetSimRequests: plan.simRequests,
    targetScaleRequests: plan.scaleRequests,
  });
  const ratios = collectRatios(overhead, failover, { audit, suite, library });
  const plotTitle = "Failover latency, primary answers 500, fallback answers (in process)";
  const report: BenchReport = {
    version: 1,
    createdAt: startedAt.toISOString(),
    quick: options.quick,
    wallSeconds: (performance.now() - started) / 1000,
    environment,
    bareMockedCall,
    overhead,
    failover,
    failoverBaselines: [...inproc.baselines, ...loopback.baselines],
    failoverProfiles: [...inproc.profiles, ...loopback.profiles],
    profileFolder,
    audit,
    simulation,
    scale,
    suite,
    library,
    ratios: ratios.gated,
    peerRatios: ratios.peers,
    goals,
    plot: {
      title: plotTitle,
      series: CONTENDERS.map((id) => ({ name: id, samples: inproc.plot[id] ?? [] })),
    },
  };
  mkdirSync(options.outDir, { recursive: true });
  const jsonPath = join(options.outDir, `${stamp}.json`);
  const markdownPath = join(options.outDir, `${stamp}.md`);
  const svgPath = join(options.outDir, `${stamp}.svg`);
  const markdown = renderMarkdown(
    report,
    `${stamp}.svg`,
    Object.fromEntries(ALL_CONTENDERS.map((c) => [c.id, c.setup])),
  );
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdownPath, markdown);
  writeFileSync(svgPath, renderLatencySvg(report.plot.series, plotTitle));
  return { report, markdown, jsonPath, markdownPath, svgPath };
}
