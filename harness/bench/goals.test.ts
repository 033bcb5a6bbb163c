import { describe, expect, it } from "vitest";
import type {
  AuditSection,
  ContenderId,
  FailoverRow,
  LibrarySection,
  OverheadRow,
  OverheadSubject,
  ScaleSection,
  SimulationSection,
  SuiteSection,
} from "./bench-report.ts";
import { compareRatios } from "./compare.ts";
import {
  CHECK_LINES_PER_SEC_GOAL,
  collectRatios,
  evaluateGoals,
  HEAP_LIMITED_SLOWDOWN,
  LIBRARY_ONE_CORE_GOAL_MS,
  libraryGoal,
  SCALE_HEAP_MB,
  SUCCESS_OVERHEAD_GOAL,
  VIRTUAL_DAY_GOAL,
} from "./goals.ts";

const audit = (checkPerParse: number): AuditSection => ({
  lines: 1_000_000,
  bytes: 200_000_000,
  engineWriteLinesPerSec: 1,
  sinkWriteLinesPerSec: 1,
  checkLinesPerSec: 400_000,
  parseLinesPerSec: 400_000 * checkPerParse,
  checkPerParse,
  checkOk: true,
  checkViolations: 0,
  peakRssMb: 100,
  peakHeapMb: 50,
});

const suite = (perScenarioPerWorkerStart: number, scenarios = 9): SuiteSection => ({
  folder: "chains",
  scenarios,
  passed: scenarios,
  wallMs: 9_000,
  perScenarioMs: 1_000,
  bareWorkerStartMs: 1_000 / perScenarioPerWorkerStart,
  perScenarioPerWorkerStart,
});

describe("collectRatios for the harness's own speed (issue 15 §6)", () => {
  it("gates the checker's time per read + JSON.parse and the suite's time per scenario per worker start", () => {
    const { gated, peers } = collectRatios([], [], { audit: audit(0.9), suite: suite(12) });
    expect(gated).toEqual({
      "check.time-per-read-and-json-parse": 0.9,
      "suite.wall-per-scenario-per-bare-worker-start": 12,
    });
    expect(peers).toEqual({});
  });

  it("lets --compare fail a slower checker or suite against a baseline", () => {
    const before = collectRatios([], [], { audit: audit(0.9), suite: suite(12) }).gated;
    const slowerCheck = collectRatios([], [], { audit: audit(1.4), suite: suite(12) }).gated;
    const slowerSuite = collectRatios([], [], { audit: audit(0.9), suite: suite(20) }).gated;
    expect(compareRatios(before, slowerCheck, { threshold: 0.25 }).regressed).toBe(1);
    expect(compareRatios(before, slowerSuite, { threshold: 0.25 }).regressed).toBe(1);
    expect(compareRatios(before, before, { threshold: 0.25 }).ok).toBe(true);
  });

  it("gates a user's engine's time per scenario per worker start when the suite ran one", () => {
    const withUser: SuiteSection = {
      ...suite(12),
      userEngine: {
        engine: "examples/engines/cockatiel.ts",
        passed: 5,
        wallMs: 36_000,
        perScenarioMs: 4_000,
        perScenarioPerWorkerStart: 48,
      },
    };
    const before = collectRatios([], [], { suite: withUser }).gated;
    expect(before).toEqual({
      "suite.wall-per-scenario-per-bare-worker-start": 12,
      "suite.user-engine-wall-per-scenario-per-bare-worker-start": 48,
    });
    const slower = collectRatios([], [], {
      suite: { ...withUser, userEngine: { ...withUser.userEngine!, perScenarioPerWorkerStart: 70 } },
    }).gated;
    expect(compareRatios(before, slower, { threshold: 0.25 }).regressed).toBe(1);
  });

  it("leaves out a suite that ran no scenario instead of gating a meaningless ratio", () => {
    const { gated } = collectRatios([], [], { suite: suite(0, 0) });
    expect(gated).toEqual({});
  });
});

describe("evaluateGoals holds the checker and the virtual day to issue 15's rates", () => {
  const day = (rate: number): SimulationSection => ({
    requests: 10_000,
    requestsSimulated: 10_000,
    capped: false,
    virtualSeconds: 86_400,
    wallSeconds: 86_400 / rate,
    virtualSecondsPerWallSecond: rate,
    servedRate: 1,
    propertyCases: 0,
    propertyCasesPerSec: 0,
  });
  const scale: ScaleSection = {
    requests: 10_000,
    wallMs: 1,
    served: 10_000,
    aborted: 0,
    failed: 0,
    auditLines: 40_000,
    lostAuditLines: 0,
    checkOk: true,
    checkViolations: 0,
    firstViolation: null,
    peakHeapMb: 100,
    liveHeapMb: 50,
    peakRssMb: 150,
  };
  const met = (
    checkRate: number,
    dayRate: number,
    overhead: readonly OverheadRow[] = [],
  ): Record<string, boolean> => {
    const rows = evaluateGoals({
      overhead,
      failover: [],
      audit: { ...audit(1), checkLinesPerSec: checkRate },
      simulation: day(dayRate),
      scale,
      bareMockedCallMs: 1,
      targetAuditLines: 1_000_000,
      targetSimRequests: 10_000,
      targetScaleRequests: 10_000,
    });
    return Object.fromEntries(
      rows.filter((r) => /^([45]-|1-overhead-success|3-overhead-audit)/.test(r.id)).map((r) => [r.id, r.met]),
    );
  };
  const latency = { n: 1, p50: 0, p95: 0, p99: 0, mean: 0, min: 0, max: 0 };
  const success = (contender: OverheadSubject, overheadUs: number): OverheadRow => ({
    contender,
    path: "success",
    attempts: 1,
    bare: latency,
    wrapped: latency,
    overheadUs,
    perAttemptUs: overheadUs,
    ratioToMockedCall: overheadUs / 1000,
  });

  it("counts the scale run within 200 MB when its peak is below it, or when it fits under a 200 MB heap limit in time", () => {
    const scaleMet = (section: ScaleSection): boolean | undefined =>
      evaluateGoals({
        overhead: [],
        failover: [],
        audit: audit(1),
        simulation: day(VIRTUAL_DAY_GOAL),
        scale: section,
        bareMockedCallMs: 1,
        targetAuditLines: 1_000_000,
        targetSimRequests: 10_000,
        targetScaleRequests: 10_000,
      }).find((r) => r.id === "6-scale")?.met;
    const lazy = { ...scale, wallMs: 5_000, peakHeapMb: SCALE_HEAP_MB + 100 };
    const limited = (run: Partial<ScaleSection> | null, error: string | null = null): ScaleSection => ({
      ...lazy,
      heapLimited: {
        heapLimitMb: SCALE_HEAP_MB,
        run: run === null ? null : { ...lazy, peakHeapMb: SCALE_HEAP_MB - 20, ...run },
        error,
      },
    });
    expect(scaleMet({ ...scale, peakHeapMb: SCALE_HEAP_MB - 1 })).toBe(true);
    expect(scaleMet(lazy)).toBe(false);
    expect(scaleMet(limited({ wallMs: HEAP_LIMITED_SLOWDOWN * 5_000 }))).toBe(true);
    // Thrashing, a lost line, a request not served, or out of memory: it does not fit.
    expect(scaleMet(limited({ wallMs: HEAP_LIMITED_SLOWDOWN * 5_000 + 1 }))).toBe(false);
    expect(scaleMet(limited({ lostAuditLines: 1 }))).toBe(false);
    expect(scaleMet(limited({ served: 9_999 }))).toBe(false);
    expect(scaleMet(limited(null, "Failed to run the scale bench: its process ended with SIGABRT"))).toBe(
      false,
    );
    // The unlimited run's own lost lines fail it whatever the limited run did.
    expect(scaleMet({ ...limited({}), lostAuditLines: 1 })).toBe(false);
  });

  it("is not met below 500,000 lines/s or 20,000 virtual s per wall s, and met at them", () => {
    expect(met(CHECK_LINES_PER_SEC_GOAL - 1, VIRTUAL_DAY_GOAL - 1)).toEqual({
      "4-audit": false,
      "5-simulation": false,
    });
    expect(met(CHECK_LINES_PER_SEC_GOAL, VIRTUAL_DAY_GOAL)).toEqual({
      "4-audit": true,
      "5-simulation": true,
    });
  });

  it("holds the success path to < 1 % with the audit on, and to the fastest peer with a breaker with it off", () => {
    const onAt = SUCCESS_OVERHEAD_GOAL * 1000;
    const rows = (on: number, off: number) => [
      success("reference", on),
      success("reference-audit-off", off),
      success("cockatiel", 1),
      success("opossum", 2),
      // ai-fallback keeps no breaker: faster, and not the comparison.
      success("ai-fallback", 0.3),
    ];
    expect(met(CHECK_LINES_PER_SEC_GOAL, VIRTUAL_DAY_GOAL, rows(onAt - 0.1, 1))).toMatchObject({
      "1-overhead-success-audit-on": true,
      "3-overhead-audit-off-vs-breaker-peers-success": true,
    });
    expect(met(CHECK_LINES_PER_SEC_GOAL, VIRTUAL_DAY_GOAL, rows(onAt, 1.01))).toMatchObject({
      "1-overhead-success-audit-on": false,
      "3-overhead-audit-off-vs-breaker-peers-success": false,
    });
  });
});

describe("the reference against every peer on failover (issue 15 §2)", () => {
  const row = (contender: ContenderId, p50: number, limitMs: number): FailoverRow => ({
    transport: "inproc",
    case: "http-500",
    contender,
    status: "measured",
    note: null,
    latency: { n: 100, p50, p95: p50, p99: p50, mean: p50, min: p50, max: p50 },
    limitMs,
    ratio: p50 / limitMs,
    aboveLimitMs: p50 - limitMs,
  });
  const verdict = (failover: readonly FailoverRow[]) =>
    evaluateGoals({
      overhead: [],
      failover,
      audit: audit(1),
      simulation: {
        requests: 1,
        requestsSimulated: 1,
        capped: false,
        virtualSeconds: 1,
        wallSeconds: 1,
        virtualSecondsPerWallSecond: 1,
        servedRate: 1,
        propertyCases: 0,
        propertyCasesPerSec: 0,
      },
      scale: {
        requests: 1,
        wallMs: 1,
        served: 1,
        aborted: 0,
        failed: 0,
        auditLines: 1,
        lostAuditLines: 0,
        checkOk: true,
        checkViolations: 0,
        firstViolation: null,
        peakHeapMb: 1,
        liveHeapMb: 1,
        peakRssMb: 1,
      },
      bareMockedCallMs: 1,
      targetAuditLines: 1,
      targetSimRequests: 1,
      targetScaleRequests: 1,
    }).find((r) => r.id === "3-failover-vs-peers");

  it("compares each engine's ratio to the limit measured beside it, not milliseconds from different processes", () => {
    // The peer's process ran in a fast minute: fewer milliseconds, but more above its own limit.
    expect(verdict([row("reference", 0.5, 0.4), row("cockatiel", 0.45, 0.3)])).toMatchObject({
      met: true,
      value: "1/1 comparisons",
    });
    expect(verdict([row("reference", 0.5, 0.4), row("cockatiel", 0.6, 0.5)])).toMatchObject({
      met: false,
      value: "0/1 comparisons; faster peer: cockatiel@inproc/http-500",
    });
  });
});

describe("the shipped library on one core (issue 15 §3)", () => {
  const library = (fields: Partial<LibrarySection> = {}): LibrarySection => ({
    shipped: 93,
    scenarios: 93,
    passed: 93,
    exitCode: 0,
    pinned: true,
    runs: 3,
    wallMs: 9_000,
    cpuMs: 8_500,
    wallRunsMs: [9_100, 9_000, 8_900],
    perScenarioMs: 9_000 / 93,
    bareWorkerStartMs: 25,
    perScenarioPerWorkerStart: 9_000 / 93 / 25,
    ...fields,
  });

  it("is met under 10 s for the whole library on one core with every scenario passing, and not at 10 s", () => {
    expect(libraryGoal(library()).met).toBe(true);
    expect(libraryGoal(library({ wallMs: LIBRARY_ONE_CORE_GOAL_MS })).met).toBe(false);
    expect(libraryGoal(library()).value).toMatch(
      /^9\.0 s wall, 8\.5 s CPU \(median of 3 runs: 9\.1 s, 9\.0 s, 8\.9 s\)/,
    );
  });

  it("is not judged on --quick's few scenarios, off one core, or with a failing scenario, and says why", () => {
    const quick = libraryGoal(library({ scenarios: 2, passed: 2, wallMs: 3_000 }));
    expect(quick).toMatchObject({
      met: false,
      value: expect.stringContaining("--quick: 2 of 93 scenarios only"),
    });
    const unpinned = libraryGoal(library({ pinned: false }));
    expect(unpinned).toMatchObject({ met: false, value: expect.stringContaining("no taskset") });
    expect(libraryGoal(library({ passed: 92, exitCode: 1 })).met).toBe(false);
  });

  it("gates its wall time per scenario per bare worker start, and appears among the goals when measured", () => {
    const { gated } = collectRatios([], [], { library: library() });
    expect(gated).toEqual({ "library.wall-per-scenario-per-bare-worker-start": 9_000 / 93 / 25 });
    expect(collectRatios([], [], { library: library({ scenarios: 0 }) }).gated).toEqual({});
  });
});
