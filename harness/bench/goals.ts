import type {
  FailoverRow,
  GoalRow,
  OverheadRow,
  ScaleSection,
  SimulationSection,
  AuditSection,
  LibrarySection,
  SuiteSection,
} from "./bench-report.ts";
import { FAILOVER_CASES, PEERS_WITH_BREAKER, REFERENCE_AUDIT_OFF } from "./bench-report.ts";

/** Issue 15: 10,000 concurrent requests through one engine within this much heap. */
export const SCALE_HEAP_MB = 200;
/**
 * A heap-limited scale run may take this much longer than the unlimited one and still count as fitting:
 * a limit the run needs more than would make V8 collect without end (last seen: 114 s against 5 s).
 */
export const HEAP_LIMITED_SLOWDOWN = 2;

/** Issue 8 §1: decision overhead per attempt under 2 % of one mocked call. */
export const OVERHEAD_GOAL = 0.02;
/** Issue 15 §2: on the success path, with the audit on, under 1 % of one mocked call. */
export const SUCCESS_OVERHEAD_GOAL = 0.01;
/** Issue 8 §2: failover latency at most 5 % over two sequential bare calls. */
export const FAILOVER_GOAL = 1.05;
/** Issue 15 §4: `check` reads at least this many lines per second. */
export const CHECK_LINES_PER_SEC_GOAL = 500_000;
/** Issue 15 §3: the 10,000-request day runs at least this many virtual seconds per wall second. */
export const VIRTUAL_DAY_GOAL = 20_000;
/** Issue 15 §3: the whole shipped library within this much wall time on one core, ms. */
export const LIBRARY_ONE_CORE_GOAL_MS = 10_000;

/**
 * The run's ratios, flat and keyed for `--compare`, lower is better for all: `gated` holds the reference
 * engine's (what a CI job gates on: our regressions), `peers` the others' (informative; a peer's noise must
 * not fail our build).
 */
export function collectRatios(
  overhead: readonly OverheadRow[],
  failover: readonly FailoverRow[],
  own: {
    readonly audit?: AuditSection;
    readonly suite?: SuiteSection;
    readonly library?: LibrarySection;
  } = {},
): { gated: Record<string, number>; peers: Record<string, number> } {
  const gated: Record<string, number> = {};
  const peers: Record<string, number> = {};
  const put = (contender: string, key: string, value: number): void => {
    (contender === "reference" || contender === REFERENCE_AUDIT_OFF ? gated : peers)[key] = value;
  };
  for (const row of overhead)
    put(row.contender, `overhead.${row.path}.${row.contender}`, row.ratioToMockedCall);
  for (const row of failover)
    if (row.ratio !== null)
      put(row.contender, `failover.${row.transport}.${row.case}.${row.contender}`, row.ratio);
  // Issue 15 §6: the harness's own speed, each against a unit measured in the same run.
  if (own.audit !== undefined) gated["check.time-per-read-and-json-parse"] = own.audit.checkPerParse;
  if (own.audit?.replayPerParse !== undefined)
    gated["replay.time-per-read-and-json-parse"] = own.audit.replayPerParse;
  if (own.suite !== undefined && own.suite.scenarios > 0) {
    gated["suite.wall-per-scenario-per-bare-worker-start"] = own.suite.perScenarioPerWorkerStart;
    if (own.suite.userEngine !== undefined)
      gated["suite.user-engine-wall-per-scenario-per-bare-worker-start"] =
        own.suite.userEngine.perScenarioPerWorkerStart;
  }
  if (own.library !== undefined && own.library.scenarios > 0)
    gated["library.wall-per-scenario-per-bare-worker-start"] = own.library.perScenarioPerWorkerStart;
  return { gated, peers };
}

const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;
const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * Issue 15 §3's row: judged only on the whole library, pinned to one core, every scenario passing. `--quick`
 * runs a few scenarios and a machine without taskset cannot pin: the row says which, and is not met.
 */
export function libraryGoal(library: LibrarySection): GoalRow {
  const whole = library.scenarios === library.shipped;
  const notes = [
    ...(whole
      ? []
      : [
          `--quick: ${library.scenarios} of ${library.shipped} scenarios only, not judged (the full bench runs all)`,
        ]),
    ...(library.pinned ? [] : ["not on one core: this machine has no taskset, so the run used every core"]),
  ];
  return {
    id: "7-library-one-core",
    goal: `the whole shipped library (${library.shipped} scenarios, reference engine, each isolated), \`run\` through the CLI on one core (taskset -c 0), < ${sec(LIBRARY_ONE_CORE_GOAL_MS)} wall`,
    value: `${sec(library.wallMs)} wall, ${sec(library.cpuMs)} CPU (median of ${library.runs} run${library.runs === 1 ? "" : "s"}: ${library.wallRunsMs.map(sec).join(", ")}); ${library.passed}/${library.scenarios} pass; ${library.perScenarioMs.toFixed(0)} ms per scenario = ${library.perScenarioPerWorkerStart.toFixed(2)} × a bare worker start (${library.bareWorkerStartMs.toFixed(1)} ms, same core, same run)${notes.length > 0 ? `; ${notes.join("; ")}` : ""}`,
    met:
      whole &&
      library.pinned &&
      library.exitCode === 0 &&
      library.passed === library.scenarios &&
      library.wallMs < LIBRARY_ONE_CORE_GOAL_MS,
  };
}

/** Where each goal of issue 8 stands, computed from the same run's rows. */
export function evaluateGoals(input: {
  readonly overhead: readonly OverheadRow[];
  readonly failover: readonly FailoverRow[];
  readonly audit: AuditSection;
  readonly simulation: SimulationSection;
  readonly scale: ScaleSection;
  /** Absent: not measured in this run (the row is left out). */
  readonly library?: LibrarySection;
  readonly bareMockedCallMs: number;
  readonly targetAuditLines: number;
  readonly targetSimRequests: number;
  readonly targetScaleRequests: number;
}): GoalRow[] {
  const goals: GoalRow[] = [];
  const refOverhead = input.overhead.filter((r) => r.contender === "reference");
  const worst = refOverhead.reduce(
    (a, r) => (r.ratioToMockedCall > a.ratioToMockedCall ? r : a),
    refOverhead[0] as OverheadRow,
  );
  if (worst !== undefined) {
    goals.push({
      id: "1-overhead",
      goal: "decision overhead per attempt < 2 % of one mocked call",
      value: `${worst.perAttemptUs.toFixed(1)} µs/attempt (${worst.path} path) = ${pct(worst.ratioToMockedCall)} of ${input.bareMockedCallMs.toFixed(3)} ms`,
      met: worst.ratioToMockedCall < OVERHEAD_GOAL,
    });
  }
  for (const transport of ["inproc", "loopback"] as const) {
    for (const failoverCase of FAILOVER_CASES) {
      const row = input.failover.find(
        (r) => r.transport === transport && r.case === failoverCase && r.contender === "reference",
      );
      if (row === undefined) continue;
      goals.push({
        id: `2-failover-${transport}-${failoverCase}`,
        goal: `failover ≤ 1.05 × (bare fail + bare answer), ${transport}, ${failoverCase}`,
        value:
          row.ratio === null
            ? `not measured: ${row.note ?? ""}`
            : `${row.ratio.toFixed(3)} (p50 ${row.latency?.p50.toFixed(3)} ms vs limit ${row.limitMs.toFixed(3)} ms)`,
        met: row.ratio !== null && row.ratio <= FAILOVER_GOAL,
      });
    }
  }
  const success = refOverhead.find((r) => r.path === "success");
  if (success !== undefined)
    goals.push({
      id: "1-overhead-success-audit-on",
      goal: "success-path overhead, audit on, < 1 % of one mocked call",
      value: `${success.perAttemptUs.toFixed(2)} µs = ${pct(success.ratioToMockedCall)}`,
      met: success.ratioToMockedCall < SUCCESS_OVERHEAD_GOAL,
    });
  // Issue 15 §2: with the audit off, no slower than the fastest peer that keeps a breaker, on either path
  // (a peer with no breaker and no audit, such as ai-fallback, does less work; it stays in the table).
  for (const path of ["success", "failover"] as const) {
    const off = input.overhead.find((r) => r.contender === REFERENCE_AUDIT_OFF && r.path === path);
    const peers = input.overhead.filter(
      (r) => r.path === path && (PEERS_WITH_BREAKER as readonly string[]).includes(r.contender),
    );
    if (off === undefined || peers.length === 0) continue;
    const faster = peers.filter((p) => p.overheadUs < off.overheadUs);
    const fastest = peers.reduce((a, p) => (p.overheadUs < a.overheadUs ? p : a));
    goals.push({
      id: `3-overhead-audit-off-vs-breaker-peers-${path}`,
      goal: `overhead with audit off ≤ every peer with a breaker (${peers.map((p) => p.contender).join(", ")}), ${path} path`,
      value: `${off.overheadUs.toFixed(2)} µs vs ${fastest.contender} ${fastest.overheadUs.toFixed(2)} µs (${fastest.overheadUs > 0 ? (off.overheadUs / fastest.overheadUs).toFixed(2) : "n/a"}×)${faster.length === 0 ? "" : `; faster: ${faster.map((p) => p.contender).join(", ")}`}`,
      met: faster.length === 0,
    });
  }
  let cells = 0;
  const lost: string[] = [];
  for (const ref of input.failover.filter((r) => r.contender === "reference" && r.latency !== null)) {
    for (const peer of input.failover.filter(
      (r) =>
        r.contender !== "reference" &&
        r.transport === ref.transport &&
        r.case === ref.case &&
        r.latency !== null,
    )) {
      cells++;
      // Ratios, not milliseconds: each engine ran in a process of its own beside its own limit, and the
      // machine's speed may have moved between the two processes.
      if ((peer.ratio ?? Infinity) < (ref.ratio ?? 0))
        lost.push(`${peer.contender}@${ref.transport}/${ref.case}`);
    }
  }
  goals.push({
    id: "3-failover-vs-peers",
    goal: "reference failover latency (p50 ÷ the limit measured beside it) ≤ every peer's, where the peer can express the case",
    value: `${cells - lost.length}/${cells} comparisons${lost.length > 0 ? `; faster peer: ${lost.join(", ")}` : ""}`,
    met: lost.length === 0,
  });
  goals.push({
    id: "4-audit",
    goal: `audit write and check on a ${input.targetAuditLines.toLocaleString("en-US")}-line log, checker clean, check ≥ ${CHECK_LINES_PER_SEC_GOAL.toLocaleString("en-US")} lines/s`,
    value: `${input.audit.lines.toLocaleString("en-US")} lines; write ${input.audit.sinkWriteLinesPerSec.toLocaleString("en-US")}/s; check ${input.audit.checkLinesPerSec.toLocaleString("en-US")}/s (${input.audit.checkPerParse.toFixed(2)} × the time of read + JSON.parse at ${input.audit.parseLinesPerSec.toLocaleString("en-US")}/s); peak heap ${input.audit.peakHeapMb} MB; ${input.audit.checkViolations} violations`,
    met:
      input.audit.checkOk &&
      input.audit.lines >= input.targetAuditLines &&
      input.audit.checkLinesPerSec >= CHECK_LINES_PER_SEC_GOAL,
  });
  goals.push({
    id: "5-simulation",
    goal: `24 h, ${input.targetSimRequests.toLocaleString("en-US")}-request day on the virtual clock within the wall cap, ≥ ${VIRTUAL_DAY_GOAL.toLocaleString("en-US")} virtual s per wall s`,
    value: `${Math.round(input.simulation.virtualSecondsPerWallSecond).toLocaleString("en-US")} virtual s per wall s; ${input.simulation.requestsSimulated}/${input.simulation.requests} requests${input.simulation.capped ? " (capped)" : ""}`,
    met:
      !input.simulation.capped &&
      input.simulation.requests >= input.targetSimRequests &&
      input.simulation.virtualSecondsPerWallSecond >= VIRTUAL_DAY_GOAL,
  });
  const scale = input.scale;
  const limited = scale.heapLimited;
  const limitedRun = limited?.run ?? null;
  // Fits: the run completes in a process whose V8 heap may not pass the goal, with every request served
  // and every line written, at a wall time the unlimited run's order (not a collector running without end).
  const fits =
    limitedRun !== null &&
    limitedRun.served === limitedRun.requests &&
    limitedRun.lostAuditLines === 0 &&
    limitedRun.checkOk &&
    limitedRun.wallMs <= HEAP_LIMITED_SLOWDOWN * scale.wallMs;
  const limitedText =
    limited === undefined
      ? "no heap-limited run"
      : limitedRun === null
        ? `with the heap limited to ${limited.heapLimitMb} MB it did not finish (${limited.error ?? "no reason given"})`
        : `with the heap limited to ${limited.heapLimitMb} MB: ${limitedRun.served} served, ${limitedRun.lostAuditLines} lost, peak heap ${limitedRun.peakHeapMb} MB, ${(limitedRun.wallMs / 1000).toFixed(1)} s (${(limitedRun.wallMs / scale.wallMs).toFixed(2)} × the unlimited run's ${(scale.wallMs / 1000).toFixed(1)} s)`;
  goals.push({
    id: "6-scale",
    goal: `${input.targetScaleRequests.toLocaleString("en-US")} concurrent requests, shared breakers: 0 lost audit lines, within ${SCALE_HEAP_MB} MB of heap (peak below it, or the run completing with V8's heap limited to it in ≤ ${HEAP_LIMITED_SLOWDOWN} × the time)`,
    value: `${scale.lostAuditLines} lost of ${scale.auditLines} lines; ${scale.served} served, ${scale.aborted} aborted by the cap, ${scale.failed} failed; peak heap ${scale.peakHeapMb} MB unlimited; ${limitedText}`,
    met:
      scale.lostAuditLines === 0 &&
      scale.checkOk &&
      scale.requests >= input.targetScaleRequests &&
      (scale.peakHeapMb < SCALE_HEAP_MB || fits),
  });
  if (input.library !== undefined) goals.push(libraryGoal(input.library));
  return goals;
}
