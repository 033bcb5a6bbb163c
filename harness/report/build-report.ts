import { relative } from "node:path";
import type { Tier, TierVerdict } from "../runner/checks.ts";
import type { ScenarioOutcome } from "../runner/run-suite.ts";
import type { ParityRow } from "./parity.ts";
import type { PropertyReport, RunReport, ScenarioReport } from "./report-schema.ts";
import { scrubText } from "./scrub.ts";

/** Where a scenario's audit and fleet logs sit inside the report folder. */
export function scenarioFiles(id: string): { audit: string; fleet: string } {
  return { audit: `scenarios/${id}/audit.jsonl`, fleet: `scenarios/${id}/fleet.jsonl` };
}

function scenarioReport(o: ScenarioOutcome, cwd: string): ScenarioReport {
  const count = (outcome: string): number => o.run.requests.filter((r) => r.outcome === outcome).length;
  const files = scenarioFiles(o.scenario.id);
  return {
    id: o.scenario.id,
    title: o.scenario.title,
    description: o.scenario.description,
    file: relative(cwd, o.file),
    tags: o.scenario.tags,
    seed: o.run.seed,
    verdict: o.verdict.verdict,
    tiers: { ...o.verdict.tiers },
    // Reasons quote engine messages; scrubbed here too so the in-memory report is as safe as its files.
    reasons: o.verdict.reasons.map(scrubText),
    not_checked: o.verdict.notChecked.map((c) => ({
      id: c.id,
      tier: c.tier,
      evidence: [...c.evidence],
      reason: c.outcome.kind === "not-checked" ? scrubText(c.outcome.reason) : "",
    })),
    requests: {
      total: o.run.requests.length,
      success: count("success"),
      error: count("error"),
      hang: count("hang"),
    },
    // The fleet's count, not the audit's: ground truth, and there for an engine that writes no audit.
    attempts: o.run.fleetCalls.length,
    audit: {
      lines: o.verdict.check.lines,
      violations: o.verdict.check.violationCount,
      counts: { ...o.verdict.check.counts },
      warnings: o.verdict.check.warnings.length,
      file: files.audit,
    },
    fleet: { calls: o.run.fleetCalls.length, mismatches: o.verdict.crossCheck.length, file: files.fleet },
    reaudit: o.reaudit,
    parity: [...o.scenario.expect.parity],
  };
}

function tierTotals(verdicts: readonly TierVerdict[]): { passed: number; failed: number; partial: number } {
  const count = (v: TierVerdict): number => verdicts.filter((x) => x === v).length;
  return { passed: count("pass"), failed: count("fail"), partial: count("partial") };
}

/**
 * What fails the run under its gating tier (SPEC §10.3): `safety` counts only safety failures of the
 * scenarios; `conformance` counts any scenario failure, a FAIL parity row and a failed property. PARTIAL
 * never fails the run.
 */
export function gatingFailures(
  tier: Tier,
  scenarios: readonly ScenarioReport[],
  parity: readonly ParityRow[],
  properties: PropertyReport | undefined,
): number {
  if (tier === "safety") return scenarios.filter((s) => s.tiers.safety === "fail").length;
  return (
    scenarios.filter((s) => s.verdict === "fail").length +
    parity.filter((p) => p.status === "FAIL").length +
    (properties?.verdict === "fail" ? 1 : 0)
  );
}

/** The run's report.json content. */
export function buildReport(input: {
  outcomes: readonly ScenarioOutcome[];
  parity: readonly ParityRow[];
  engine: string;
  seed: number | undefined;
  cwd: string;
  properties?: PropertyReport;
  /** The gating tier (`run --tier`), conformance by default. */
  tier?: Tier;
}): RunReport {
  const tier = input.tier ?? "conformance";
  const scenarios = input.outcomes.map((o) => scenarioReport(o, input.cwd));
  const failed = gatingFailures(tier, scenarios, input.parity, input.properties);
  return {
    version: 1,
    tool: "fallback-harness",
    engine: input.engine,
    seed: input.seed ?? null,
    tier,
    verdict: failed === 0 ? "pass" : "fail",
    exit_code: failed === 0 ? 0 : 1,
    totals: {
      scenarios: scenarios.length,
      passed: scenarios.filter((s) => s.verdict === "pass").length,
      failed: scenarios.filter((s) => s.verdict === "fail").length,
      requests: scenarios.reduce((n, s) => n + s.requests.total, 0),
      attempts: scenarios.reduce((n, s) => n + s.attempts, 0),
      safety: tierTotals(scenarios.map((s) => s.tiers.safety)),
      conformance: tierTotals(scenarios.map((s) => s.tiers.conformance)),
    },
    parity: input.parity.map((p) => ({ ...p, evidence: [...p.evidence] })),
    scenarios,
    ...(input.properties
      ? { properties: { ...input.properties, violations: input.properties.violations.map(scrubText) } }
      : {}),
  };
}
