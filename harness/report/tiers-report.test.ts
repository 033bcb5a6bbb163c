import { describe, expect, it } from "vitest";
import { failed, notChecked, passed, type Check } from "../runner/checks.ts";
import type { ScenarioOutcome } from "../runner/run-suite.ts";
import { buildReport } from "./build-report.ts";
import { breakerRecoversOutcome } from "./html/fake-runs.ts";
import { junitXml } from "./junit-xml.ts";
import { parityMatrix } from "./parity.ts";
import { RunReportSchema, type RunReport } from "./report-schema.ts";
import { summaryMarkdown } from "./summary-markdown.ts";

const NO_AUDIT = "needs audit evidence: the engine writes no SPEC §8 audit";

/** A hand-made outcome with the given checks, judged the way `judgeRun` folds them. */
function withChecks(id: string, checks: readonly Check[]): ScenarioOutcome {
  const base = breakerRecoversOutcome();
  const tier = (t: Check["tier"]) =>
    checks.some((c) => c.tier === t && c.outcome.kind === "fail")
      ? ("fail" as const)
      : checks.some((c) => c.tier === t && c.outcome.kind === "not-checked")
        ? ("partial" as const)
        : ("pass" as const);
  const reasons = checks.flatMap((c) =>
    c.outcome.kind === "fail" ? [`[${c.tier}] ${c.outcome.message}`] : [],
  );
  return {
    ...base,
    scenario: { ...base.scenario, id },
    run: { ...base.run, id, auditText: "", audit: [] },
    verdict: {
      ...base.verdict,
      verdict: reasons.length > 0 ? "fail" : "pass",
      reasons,
      checks,
      tiers: { safety: tier("safety"), conformance: tier("conformance") },
      notChecked: checks.filter((c) => c.outcome.kind === "not-checked"),
    },
    reaudit: null,
  };
}

const safeButPartial = withChecks("safe-partial", [
  passed("safety.served-model", "safety", ["result", "fleet"]),
  notChecked("expect.breaker[0]", "conformance", ["audit"], NO_AUDIT),
  notChecked("conformance.audit-checker", "conformance", ["audit"], NO_AUDIT),
]);
const conformanceFail = withChecks("policy-fail", [
  passed("safety.served-model", "safety", ["result", "fleet"]),
  failed(
    "expect.calls[0]",
    "conformance",
    ["fleet"],
    "openai/gpt-4.1 was called 9 times, expected at most 3",
  ),
]);

function report(outcomes: readonly ScenarioOutcome[], tier: "safety" | "conformance"): RunReport {
  return RunReportSchema.parse(
    buildReport({ outcomes, parity: parityMatrix(outcomes), engine: "e", seed: 1, cwd: "/", tier }),
  );
}

describe("the report's tiers (SPEC §10.3)", () => {
  it("gives each scenario and the totals a verdict per tier, and lists the checks not made", () => {
    const r = report([safeButPartial, conformanceFail], "conformance");
    expect(r.scenarios.map((s) => [s.id, s.tiers])).toEqual([
      ["safe-partial", { safety: "pass", conformance: "partial" }],
      ["policy-fail", { safety: "pass", conformance: "fail" }],
    ]);
    expect(r.scenarios[0]?.not_checked).toEqual([
      { id: "expect.breaker[0]", tier: "conformance", evidence: ["audit"], reason: NO_AUDIT },
      { id: "conformance.audit-checker", tier: "conformance", evidence: ["audit"], reason: NO_AUDIT },
    ]);
    expect(r.totals.safety).toEqual({ passed: 2, failed: 0, partial: 0 });
    expect(r.totals.conformance).toEqual({ passed: 0, failed: 1, partial: 1 });
  });

  it("gates on any failure under conformance, on safety failures only under safety; PARTIAL never fails", () => {
    expect(report([safeButPartial, conformanceFail], "conformance")).toMatchObject({
      tier: "conformance",
      verdict: "fail",
      exit_code: 1,
    });
    expect(report([safeButPartial, conformanceFail], "safety")).toMatchObject({
      tier: "safety",
      verdict: "pass",
      exit_code: 0,
    });
    const unsafe = withChecks("unsafe", [
      failed("safety.truncated-success", "safety", ["result", "fleet"], "request #0 succeeded with 12 of 85"),
    ]);
    expect(report([unsafe], "safety").exit_code).toBe(1);
  });

  it("writes a not-checked tier as <skipped> with its reason in junit.xml, and a failed one as <failure>", () => {
    const xml = junitXml(report([safeButPartial, conformanceFail], "conformance"));
    expect(xml).toContain(
      `<testcase classname="scenarios.conformance" name="safe-partial" file="scenarios/s07-breaker-recovers.yaml"><skipped message="not checked: expect.breaker[0]: ${NO_AUDIT} (+1 more)">`,
    );
    expect(xml).toMatch(
      /<testcase classname="scenarios.conformance" name="policy-fail"[^>]*><failure message="\[conformance\] openai\/gpt-4.1 was called 9 times/,
    );
    // One failed tier case, and the parity row the failing scenario claims.
    expect(xml).toContain('failures="2" skipped="1"');
  });

  it("summarises each tier and groups the checks not made by reason", () => {
    const md = summaryMarkdown(report([safeButPartial, conformanceFail], "safety"));
    expect(md).toContain("(gating tier: safety)");
    expect(md).toContain("- safety: 2 pass, 0 fail, 0 partial");
    expect(md).toContain(`- ${NO_AUDIT} — 1 scenario(s): safe-partial`);
    expect(md).toContain("Audit logs checked: 1 of 2, lines: 13 -> **PARTIAL**");
  });

  it("marks parity rows PARTIAL, never PASS, when a claiming scenario could not make all its checks", () => {
    const claiming = { ...safeButPartial, scenario: { ...safeButPartial.scenario } };
    claiming.scenario.expect = { ...claiming.scenario.expect, parity: ["DECISION_100"] };
    const rows = parityMatrix([claiming]);
    const row100 = rows.find((p) => p.id === "DECISION_100");
    expect(row100?.status).toBe("PARTIAL");
    expect(row100?.evidence.join("\n")).toContain("1 scenario(s) pass with checks not made");
    const row118 = rows.find((p) => p.id === "DECISION_118");
    expect(row118?.status).toBe("PARTIAL");
    expect(row118?.evidence.join("\n")).not.toMatch(/audit logs pass the checker/);
  });
});
