import type { RunReport } from "./report-schema.ts";

function escape(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c,
  );
}

type ScenarioReport = RunReport["scenarios"][number];

/**
 * One tier of one scenario: a failure with that tier's reasons; `<skipped>` with the reasons of the checks
 * not made when it is PARTIAL (a check not made is no failure); empty when it passed.
 */
function tierCase(s: ScenarioReport, tier: "safety" | "conformance"): string {
  const prefix = `[${tier}] `;
  let body = "";
  if (s.tiers[tier] === "fail") {
    const reasons = s.reasons.filter((r) => r.startsWith(prefix));
    const all = reasons.length > 0 ? reasons : s.reasons;
    body = `<failure message="${escape(all[0] ?? "failed")}">${escape(all.join("\n"))}</failure>`;
  } else if (s.tiers[tier] === "partial") {
    const missing = s.not_checked.filter((c) => c.tier === tier);
    const first = missing[0];
    body = `<skipped message="${escape(first ? `not checked: ${first.id}: ${first.reason}${missing.length > 1 ? ` (+${missing.length - 1} more)` : ""}` : "not checked")}">${escape(missing.map((c) => `${c.id}: ${c.reason}`).join("\n"))}</skipped>`;
  }
  return `    <testcase classname="scenarios.${tier}" name="${escape(s.id)}" file="${escape(s.file)}">${body}</testcase>`;
}

/** junit.xml: per scenario one test case per tier (SPEC §10.3), and one per parity row. */
export function junitXml(report: RunReport): string {
  const cases: string[] = [];
  for (const s of report.scenarios) cases.push(tierCase(s, "safety"), tierCase(s, "conformance"));
  for (const p of report.parity) {
    const body =
      p.status === "FAIL"
        ? `<failure message="${escape(p.evidence.join("; "))}"/>`
        : p.status === "PARTIAL"
          ? `<system-out>${escape(`PARTIAL: ${p.evidence.join("; ")}`)}</system-out>`
          : "";
    cases.push(`    <testcase classname="parity" name="${escape(`${p.id} ${p.title}`)}">${body}</testcase>`);
  }
  if (report.properties) {
    const p = report.properties;
    const body =
      p.verdict === "fail"
        ? `<failure message="${escape(p.violations[0] ?? "failed")}">${escape([...p.violations, p.counterexample ?? ""].join("\n"))}</failure>`
        : "";
    cases.push(`    <testcase classname="properties" name="${escape(p.property)}">${body}</testcase>`);
  }
  const skipped = report.scenarios.reduce(
    (n, s) => n + (s.tiers.safety === "partial" ? 1 : 0) + (s.tiers.conformance === "partial" ? 1 : 0),
    0,
  );
  const failures =
    report.scenarios.reduce(
      (n, s) => n + (s.tiers.safety === "fail" ? 1 : 0) + (s.tiers.conformance === "fail" ? 1 : 0),
      0,
    ) +
    report.parity.filter((p) => p.status === "FAIL").length +
    (report.properties?.verdict === "fail" ? 1 : 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="fallback-harness" tests="${cases.length}" failures="${failures}" skipped="${skipped}">`,
    `  <testsuite name="${escape(report.engine)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
