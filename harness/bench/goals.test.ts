import { describe, expect, it } from "vitest";
import type { AuditSection, SuiteSection } from "./bench-report.ts";
import { compareRatios } from "./compare.ts";
import { collectRatios } from "./goals.ts";

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

  it("leaves out a suite that ran no scenario instead of gating a meaningless ratio", () => {
    const { gated } = collectRatios([], [], { suite: suite(0, 0) });
    expect(gated).toEqual({});
  });
});
