import type { RunReport } from "./report-schema.ts";

const mark = (v: string): string =>
  v === "pass" || v === "PASS" ? "**PASS**" : v === "partial" || v === "PARTIAL" ? "**PARTIAL**" : "**FAIL**";

type Totals = RunReport["totals"]["safety"];
const tierLine = (name: string, t: Totals): string =>
  `${name}: ${t.passed} pass, ${t.failed} fail, ${t.partial} partial`;

/** Whether the scenario's audit was judged (it is not when the engine writes no SPEC §8 audit). */
const auditJudged = (s: RunReport["scenarios"][number]): boolean =>
  !s.not_checked.some((c) => c.id === "conformance.audit-checker");

/** The checks not made, grouped by reason so a run of 84 scenarios stays a few lines. */
function notCheckedLines(report: RunReport): string[] {
  const byReason = new Map<string, { checks: Set<string>; scenarios: string[] }>();
  for (const s of report.scenarios)
    for (const c of s.not_checked) {
      const group = byReason.get(c.reason) ?? { checks: new Set<string>(), scenarios: [] };
      group.checks.add(`${c.id} (${c.tier})`);
      if (group.scenarios.at(-1) !== s.id) group.scenarios.push(s.id);
      byReason.set(c.reason, group);
    }
  const out: string[] = [];
  for (const [reason, group] of byReason) {
    const ids = group.scenarios;
    out.push(
      `- ${reason} — ${ids.length} scenario(s): ${ids.slice(0, 8).join(", ")}${ids.length > 8 ? ` and ${ids.length - 8} more` : ""}`,
      `  - checks: ${[...group.checks].slice(0, 12).join(", ")}${group.checks.size > 12 ? ` and ${group.checks.size - 12} more` : ""}`,
    );
  }
  return out;
}

/** summary.md in the deployment journal's shape, ready for a CI job summary. */
export function summaryMarkdown(report: RunReport): string {
  const out: string[] = [];
  out.push(`# fallback-harness run: ${report.engine}`, "");
  out.push(
    `Verdict: ${mark(report.verdict)} (gating tier: ${report.tier}) — ${report.totals.passed}/${report.totals.scenarios} scenarios passed, ${report.totals.requests} requests, ${report.totals.attempts} provider calls${report.seed === null ? "" : `, seed ${report.seed}`}.`,
    "",
    `- ${tierLine("safety", report.totals.safety)}`,
    `- ${tierLine("conformance", report.totals.conformance)}`,
    "",
  );
  out.push("## Verification Results", "");
  out.push(
    "| scenario | safety | conformance | requests | provider calls | first reason |",
    "|---|---|---|---|---|---|",
  );
  for (const s of report.scenarios) {
    out.push(
      `| \`${s.id}\` | ${mark(s.tiers.safety)} | ${mark(s.tiers.conformance)} | ${s.requests.success}/${s.requests.total} served | ${s.attempts} | ${(s.reasons[0] ?? "").replaceAll("|", "\\|").slice(0, 160)} |`,
    );
  }
  const notChecked = notCheckedLines(report);
  if (notChecked.length > 0) out.push("", "## Checks Not Made", "", ...notChecked);
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
  const judged = report.scenarios.filter(auditJudged);
  const dirty = judged.filter((s) => s.audit.violations > 0 || s.fleet.mismatches > 0);
  const unjudged = report.scenarios.length - judged.length;
  out.push(
    judged.length === 0
      ? `- Audit logs checked: none -> **NOT CHECKED** (the engine writes no SPEC §8 audit)`
      : `- Audit logs checked: ${judged.length}${unjudged > 0 ? ` of ${report.scenarios.length}` : ""}, lines: ${judged.reduce((n, s) => n + s.audit.lines, 0)} -> ${dirty.length > 0 ? "**FAIL**" : unjudged > 0 ? "**PARTIAL**" : "**PASS**"}`,
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
      s.reaudit?.verdict === null
        ? `- \`${s.id}\`: ${s.reaudit.note}`
        : `- \`${s.id}\`: re-run with seed ${s.seed} -> ${mark(s.reaudit?.verdict ?? "fail")}; ${s.reaudit?.note ?? ""}`,
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
