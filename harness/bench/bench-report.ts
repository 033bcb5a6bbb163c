import type { ScaleProbeResult } from "./scale-probe.ts";
import type { CostBreakdown } from "./cpu-profile.ts";
import { z } from "zod";
import type { LatencySummary } from "./percentile.ts";

/** The engines compared side by side (SPEC-free: the bench's own names). */
export const CONTENDERS = ["reference", "ai-fallback", "cockatiel", "opossum", "naive-loop"] as const;
/** One engine of the comparison. */
export type ContenderId = (typeof CONTENDERS)[number];
/** The reference engine with no audit sink: issue 15's success-path goal is stated without the audit. */
export const REFERENCE_AUDIT_OFF = "reference-audit-off";
/** What an overhead row measures: a contender, or the reference with its audit off. */
export type OverheadSubject = ContenderId | typeof REFERENCE_AUDIT_OFF;
/** The peers that keep a circuit breaker, as the reference does: the success path's fair comparison. */
export const PEERS_WITH_BREAKER: readonly ContenderId[] = ["cockatiel", "opossum"];

/** The failover cases of issue 8 §2: the primary fails fast, the fallback answers. */
export const FAILOVER_CASES = [
  "http-500",
  "http-429-retry-after-0",
  "connection-reset",
  "in-band-error-before-first-token",
] as const;
/** One failover case. */
export type FailoverCase = (typeof FAILOVER_CASES)[number];

/** How a run was made: where, on what, with which versions. */
export interface BenchEnvironment {
  readonly cpuModel: string;
  readonly cores: number;
  readonly totalMemoryMb: number;
  readonly platform: string;
  readonly node: string;
  readonly packages: Readonly<Record<string, string>>;
  /**
   * The 1, 5 and 15 minute load averages when the run began: on a shared machine the absolute numbers mean
   * little without them (the ratios are measured in the same run for that reason). Absent in older reports.
   */
  readonly loadAverage?: readonly number[];
}

/** Section 1 and the overhead half of section 3: one engine wrapped around a zero-cost call. */
export interface OverheadRow {
  readonly contender: OverheadSubject;
  /** `success`: the first model answers; `failover`: the first fails (a 500) and the second answers. */
  readonly path: "success" | "failover";
  readonly attempts: number;
  readonly bare: LatencySummary;
  readonly wrapped: LatencySummary;
  /** (wrapped − bare) per request at the median, in microseconds. */
  readonly overheadUs: number;
  /** The same per attempt. */
  readonly perAttemptUs: number;
  /** Overhead per attempt over the median bare in-process mocked call (goal for the reference: < 0.02). */
  readonly ratioToMockedCall: number;
}

/** Section 2 and the latency half of section 3: one engine, one case, one transport. */
export interface FailoverRow {
  readonly transport: "inproc" | "loopback";
  readonly case: FailoverCase;
  readonly contender: ContenderId;
  /** `measured`, or why it was not: the engine does not fail over on this case (it surfaced the error). */
  readonly status: "measured" | "not-expressible";
  readonly note: string | null;
  readonly latency: LatencySummary | null;
  /**
   * The physical limit: the median of the least work any engine must do, timed as one task — the failing
   * call until its failure is known, then the answering call, both as the provider model's own `doGenerate`
   * / `doStream` in one loop (failover-bench.ts). No correct contender can do less.
   */
  readonly limitMs: number;
  /** Median failover latency over the limit (goal ≤ 1.05). */
  readonly ratio: number | null;
  /** Median failover latency minus the limit: this contender's own work (SDK wrapper, classification, audit, timers…). */
  readonly aboveLimitMs: number | null;
}

/** The bare calls one transport × case is measured against (p50 / p95 / p99 in the summaries). */
export interface FailoverBaseline {
  readonly transport: "inproc" | "loopback";
  readonly case: FailoverCase;
  /** The physical limit: whichever of the two pairs below has the lower median. */
  readonly limit: LatencySummary;
  readonly limitBy: "raw-pair" | "engine-caller-pair";
  /** The provider model's own failing then answering call (`doGenerate` / `doStream`), one sample per pair. */
  readonly rawPair: LatencySummary;
  /** The same two calls through the reference engine's caller port, no decisions in between. */
  readonly callerPair: LatencySummary;
  /** The primary's failing call, made bare through the AI SDK. */
  readonly bareFail: LatencySummary;
  /** The fallback's answering call, made bare through the AI SDK. */
  readonly bareOk: LatencySummary;
  /** The same answering call through the reference engine's own caller port (`createAiSdkCaller`). */
  readonly engineCallerOk: LatencySummary;
  /** The reference engine's failover with no audit sink: the reference's p50 minus this is its audit. */
  readonly referenceAuditOff: LatencySummary;
  /** The same with its breakers off too: the audit-off p50 minus this is what the breakers cost. */
  readonly referenceBreakersOff: LatencySummary;
  /**
   * The caller pair with one classification of the primary's error between its calls: minus the caller
   * pair, what classification costs inside a request, between two provider calls.
   */
  readonly callerPairClassified: LatencySummary;
  /** Classifying the primary's failure of this case once, µs (a warm loop over the caller's real error). */
  readonly classifyUs: number;
}

/**
 * Where one subject's time went in one failover case: its median latency from the rounds, µs, spread over
 * who owns the code by their share of its sampled profile (cpu-profile.ts).
 */
export interface FailoverProfileRow {
  readonly transport: "inproc" | "loopback";
  readonly case: FailoverCase;
  /** A contender, or the physical limit's pair. */
  readonly subject: ContenderId | "limit";
  /** Requests the profile covers. */
  readonly requests: number;
  readonly costs: CostBreakdown;
}

/** Section 4. */
export interface AuditSection {
  readonly lines: number;
  readonly bytes: number;
  /** Engine → AuditWriter → JsonlFileSink, lines per second (a stub model caller, virtual clock). */
  readonly engineWriteLinesPerSec: number;
  /** Bare `JsonlFileSink.append` of ready lines, lines per second. */
  readonly sinkWriteLinesPerSec: number;
  readonly checkLinesPerSec: number;
  /** Reading the same file and JSON.parse of every line, lines per second, measured right before the check. */
  readonly parseLinesPerSec: number;
  /** The check's time ÷ that read + JSON.parse's (lower is better; below 1 the checker outruns JSON.parse). */
  readonly checkPerParse: number;
  /** The incident reader's (triage, replay) time on the same file ÷ that read + JSON.parse's. */
  readonly replayPerParse?: number;
  readonly checkOk: boolean;
  readonly checkViolations: number;
  readonly peakRssMb: number;
  readonly peakHeapMb: number;
}

/** The suite's wall time per scenario (issue 15 §6), see suite-bench.ts. */
export interface SuiteSection {
  /** The shipped scenarios' folder the scenarios came from. */
  readonly folder: string;
  readonly scenarios: number;
  readonly passed: number;
  readonly wallMs: number;
  readonly perScenarioMs: number;
  /** Median time of a worker that starts and exits doing nothing, ms. */
  readonly bareWorkerStartMs: number;
  /** `perScenarioMs ÷ bareWorkerStartMs`: what `--compare` gates on. */
  readonly perScenarioPerWorkerStart: number;
  /**
   * The same scenarios with a user's engine (an example engine, compiled once for the run and evaluated in a
   * fresh isolate per scenario, as every engine but the reference is). Absent in reports written before it
   * was measured.
   */
  readonly userEngine?: SuiteEngineRun;
}

/** One engine's run of the suite bench's scenarios. */
export interface SuiteEngineRun {
  /** The engine module, relative to the project. */
  readonly engine: string;
  readonly passed: number;
  readonly wallMs: number;
  readonly perScenarioMs: number;
  /** `perScenarioMs ÷` the suite's bare worker start. */
  readonly perScenarioPerWorkerStart: number;
}

/** The whole shipped library through the CLI on one core (issue 15 §3), see library-bench.ts. */
export interface LibrarySection {
  /** Scenario files in the shipped library. */
  readonly shipped: number;
  /** Scenarios the measured run ran: all of them, or the few of `--quick`. */
  readonly scenarios: number;
  readonly passed: number;
  readonly exitCode: number;
  /** Run under `taskset -c 0`; false where the machine has no taskset (then it is not a one-core number). */
  readonly pinned: boolean;
  readonly runs: number;
  /** The median run's wall time, spawn to exit (start-up and report writing included), ms. */
  readonly wallMs: number;
  /** The median run's CPU time, user and system, every thread of its process, ms. */
  readonly cpuMs: number;
  /** Every run's wall time, ms, in run order. */
  readonly wallRunsMs: readonly number[];
  readonly perScenarioMs: number;
  /** Median time of a worker that starts and exits doing nothing, on the same pinned core, ms. */
  readonly bareWorkerStartMs: number;
  /** `perScenarioMs ÷ bareWorkerStartMs`: what `--compare` gates on. */
  readonly perScenarioPerWorkerStart: number;
}

/** Section 5. */
export interface SimulationSection {
  /** Requests in the scenario (issue 8: 10 000 over 24 h). */
  readonly requests: number;
  /** Requests sent before the wall-time cap (all of them when not capped). */
  readonly requestsSimulated: number;
  /** The wall-time cap stopped the day early; the rate covers the part simulated. */
  readonly capped: boolean;
  readonly virtualSeconds: number;
  readonly wallSeconds: number;
  readonly virtualSecondsPerWallSecond: number;
  /** The same day with the engine's fetch going through msw's interception instead of the direct path. */
  readonly interceptedVirtualSecondsPerWallSecond?: number;
  readonly servedRate: number;
  readonly propertyCases: number;
  readonly propertyCasesPerSec: number;
}

/** Section 6. */
export interface ScaleSection {
  readonly requests: number;
  readonly wallMs: number;
  readonly served: number;
  /** Requests aborted by the bench's wall-time cap (they must still log a terminal line). */
  readonly aborted: number;
  readonly failed: number;
  readonly auditLines: number;
  /** Requests without exactly one terminal line, plus gaps in `seq` (must be 0). */
  readonly lostAuditLines: number;
  readonly checkOk: boolean;
  readonly checkViolations: number;
  /** The checker's first finding, when there is one (rule and message). */
  readonly firstViolation: string | null;
  /** Highest heap use (live and garbage), exact: V8's heap at the start of every collection. */
  readonly peakHeapMb: number;
  /** Highest heap use right after a full collection during the run (live objects only). */
  readonly liveHeapMb?: number;
  readonly collections?: number;
  readonly peakRssMb: number;
  /** The same requests in a fresh process, measured live while all of them wait at the fleet. */
  readonly inFlight?: ScaleProbeResult;
  /** The same run in a process whose V8 heap may not grow past `heapLimitMb` (absent in older reports). */
  readonly heapLimited?: HeapLimitedScaleRun;
}

/**
 * The scale run under `--max-old-space-size`: the uncapped peak is where V8 chose to collect with headroom
 * to spare, this is whether the run fits in the limit at all, and at what cost in wall time.
 */
export interface HeapLimitedScaleRun {
  readonly heapLimitMb: number;
  /** The run's section, or null when its process did not finish (out of memory): then `error` says how. */
  readonly run: Omit<ScaleSection, "inFlight" | "heapLimited"> | null;
  readonly error: string | null;
}

/** One goal of issue 8 and where it stands. */
export interface GoalRow {
  readonly id: string;
  readonly goal: string;
  readonly value: string;
  readonly met: boolean;
}

/** The JSON a bench run writes to `reports/bench/<timestamp>.json`. */
export interface BenchReport {
  readonly version: 1;
  readonly createdAt: string;
  readonly quick: boolean;
  readonly wallSeconds: number;
  readonly environment: BenchEnvironment;
  readonly bareMockedCall: LatencySummary;
  readonly overhead: readonly OverheadRow[];
  readonly failover: readonly FailoverRow[];
  readonly failoverBaselines: readonly FailoverBaseline[];
  /** Absent in reports written before the failover section was profiled. */
  readonly failoverProfiles?: readonly FailoverProfileRow[];
  /** The folder (beside the report) holding the reference's `.cpuprofile` files, when written. */
  readonly profileFolder?: string;
  readonly audit: AuditSection;
  readonly simulation: SimulationSection;
  readonly scale: ScaleSection;
  /** Absent in reports written before issue 15. */
  readonly suite?: SuiteSection;
  /** Absent in reports written before the one-core library measurement. */
  readonly library?: LibrarySection;
  /** The reference engine's same-run ratios, flat, lower is better: what `--compare` gates on. */
  readonly ratios: Readonly<Record<string, number>>;
  /** The peers' same-run ratios, same keys and sense; informative only. */
  readonly peerRatios: Readonly<Record<string, number>>;
  readonly goals: readonly GoalRow[];
  /** Per engine, failover latency samples (ms) of the plotted case, for the SVG. */
  readonly plot: {
    readonly title: string;
    readonly series: readonly { readonly name: string; readonly samples: readonly number[] }[];
  };
}

/**
 * What `--compare` needs from a stored baseline: the version and a flat map of finite ratios. The rest of
 * the report is not read, so an old baseline stays usable as long as these two keep their shape.
 */
export const BaselineSchema = z.looseObject({
  version: z.literal(1),
  ratios: z.record(z.string(), z.number().finite().nonnegative()),
});

/** The part of a report a comparison reads. */
export type Baseline = z.output<typeof BaselineSchema>;
