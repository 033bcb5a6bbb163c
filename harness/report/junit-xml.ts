import type { RunReport } from "./report-schema.ts";

function escape(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c,
  );
}

/** junit.xml: one test case per scenario and one per parity row. */
export function junitXml(report: RunReport): string {
  const cases: string[] = [];
  for (const s of report.scenarios) {
    const failure =
      s.verdict === "fail"
        ? `<failure message="${escape(s.reasons[0] ?? "failed")}">${escape(s.reasons.join("\n"))}</failure>`
        : "";
    cases.push(
      `    <testcase classname="scenarios" name="${escape(s.id)}" file="${escape(s.file)}">${failure}</testcase>`,
    );
  }
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
  const failures =
    report.scenarios.filter((s) => s.verdict === "fail").length +
    report.parity.filter((p) => p.status === "FAIL").length +
    (report.properties?.verdict === "fail" ? 1 : 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="fallback-harness" tests="${cases.length}" failures="${failures}">`,
    `  <testsuite name="${escape(report.engine)}" tests="${cases.length}" failures="${failures}">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
