import type { RunReport } from "./report-schema.ts";

const mark = (v: string): string =>
  v === "pass" || v === "PASS" ? "**PASS**" : v === "PARTIAL" ? "**PARTIAL**" : "**FAIL**";

/** summary.md in the deployment journal's shape, ready for a CI job summary. */
export function summaryMarkdown(report: RunReport): string {
  const out: string[] = [];
  out.push(`# fallback-harness run: ${report.engine}`, "");
  out.push(
    `Verdict: ${mark(report.verdict)} — ${report.totals.passed}/${report.totals.scenarios} scenarios passed, ${report.totals.requests} requests, ${report.totals.attempts} attempts${report.seed === null ? "" : `, seed ${report.seed}`}.`,
    "",
  );
  out.push("## Verification Results", "");
  out.push("| scenario | verdict | requests | attempts | first reason |", "|---|---|---|---|---|");
  for (const s of report.scenarios) {
    out.push(
      `| \`${s.id}\` | ${mark(s.verdict)} | ${s.requests.success}/${s.requests.total} served | ${s.attempts} | ${(s.reasons[0] ?? "").replaceAll("|", "\\|").slice(0, 160)} |`,
    );
  }
  out.push("", "## Decision Parity Matrix", "");
  for (const row of report.parity) {
    out.push(`- \`${row.id}\` parity (${row.title}): ${mark(row.status)}`);
    for (const e of row.evidence) out.push(`  - ${e}`);
  }
  if (report.properties) {
    const p = report.properties;
    out.push("", "## Engine Properties", "");
    out.push(`- \`${p.property}\`: ${p.runs} random scenario(s), seed ${p.seed} -> ${mark(p.verdict)}`);
    for (const v of p.violations.slice(0, 8)) out.push(`  - ${v}`);
    if (p.counterexample)
      out.push(`  - counterexample: \`${p.counterexample}\` (replay it with \`fallback-harness run\`)`);
  }
  out.push("", "## Audit Results", "");
  const dirty = report.scenarios.filter((s) => s.audit.violations > 0 || s.fleet.mismatches > 0);
  out.push(
    `- Audit logs checked: ${report.scenarios.length}, lines: ${report.scenarios.reduce((n, s) => n + s.audit.lines, 0)} -> ${dirty.length === 0 ? "**PASS**" : "**FAIL**"}`,
  );
  for (const s of dirty) {
    const counts = Object.entries(s.audit.counts)
      .map(([rule, n]) => `${rule} ×${n}`)
      .join(", ");
    out.push(
      `  - \`${s.id}\`: ${counts || "no checker violations"}${s.fleet.mismatches ? `; fleet mismatches ×${s.fleet.mismatches}` : ""} (\`${s.audit.file}\`)`,
    );
  }
  out.push("", "## Re-Audit Results", "");
  const reaudited = report.scenarios.filter((s) => s.reaudit !== null);
  if (reaudited.length === 0) out.push("- No initial `FAIL` items. Re-audit loop not required.");
  for (const s of reaudited)
    out.push(
      `- \`${s.id}\`: re-run with seed ${s.seed} -> ${mark(s.reaudit?.verdict ?? "fail")}; ${s.reaudit?.note ?? ""}`,
    );
  out.push("", "## Completeness", "");
  const partial = report.parity.filter((p) => p.status === "PARTIAL");
  out.push(
    `- Scenarios run: ${report.totals.scenarios}; parity rows PASS ${report.parity.filter((p) => p.status === "PASS").length}, PARTIAL ${partial.length}, FAIL ${report.parity.filter((p) => p.status === "FAIL").length}.`,
  );
  for (const p of partial)
    out.push(
      `- Not fully checked: \`${p.id}\` — ${p.evidence.filter((e) => /no |not |cannot/.test(e)).join("; ")}`,
    );
  out.push("");
  return out.join("\n");
}
