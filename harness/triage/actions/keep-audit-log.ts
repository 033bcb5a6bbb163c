import { TRIAGE_THRESHOLDS } from "../thresholds.ts";
import type { ConfigChange, CountWithExamples, LogQuality } from "../triage-findings.ts";
import { keyPath } from "./config-paths.ts";
import { tally, type TriageRule } from "./triage-rule.ts";

const A = TRIAGE_THRESHOLDS.auditLog;

function lines(found: CountWithExamples): string {
  return found.examples.map((e) => e.line).join(", ");
}

/** Each issue of the log, as one sentence with its first line numbers; empty for a clean log. */
export function qualityIssues(q: LogQuality): string[] {
  const issues: string[] = [];
  const problems = Object.values(q.problemCounts).reduce((n, c) => n + c, 0);
  if (problems > 0)
    issues.push(
      `the reader reported ${problems} problem(s): ${tally(q.problemCounts)}${
        q.problems.length > 0
          ? ` (first at line ${q.problems
              .map((p) => p.line)
              .slice(0, 5)
              .join(", ")})`
          : ""
      }`,
    );
  if (q.seqGaps.count > 0)
    issues.push(
      `${q.seqGaps.missing} line(s) missing in ${q.seqGaps.count} seq gap(s) (at line ${lines(q.seqGaps)})`,
    );
  if (q.seqRepeats.count > 0)
    issues.push(`${q.seqRepeats.count} line(s) repeat or reorder seq (at line ${lines(q.seqRepeats)})`);
  if (q.derivedFields.length > 0)
    issues.push(
      `fields derived because the lines lacked them: ${q.derivedFields.map((d) => `${d.field} ×${d.count} (from line ${d.firstLine})`).join(", ")}`,
    );
  if (q.synthesizedLines.count > 0)
    issues.push(
      `${q.synthesizedLines.count} line(s) synthesized by the reader (at line ${lines(q.synthesizedLines)})`,
    );
  // The reader reports these itself when it read the file; say them once.
  const reader = (kind: string): boolean => (q.problemCounts[kind] ?? 0) > 0;
  if (q.orphans.count > 0 && !reader("request-not-started"))
    issues.push(
      `${q.orphans.count} line(s) of requests whose fallback_request is not in the log (at line ${lines(q.orphans)})`,
    );
  if (q.unfinished.count > 0)
    issues.push(
      `${q.unfinished.count} request(s) without a terminal line (starting at line ${lines(q.unfinished)})`,
    );
  if (q.tsOutOfOrder.count > 0 && !reader("ts-out-of-order"))
    issues.push(
      `${q.tsOutOfOrder.count} line(s) with a time earlier than one before it (at line ${lines(q.tsOutOfOrder)})`,
    );
  if (q.evicted > 0) issues.push(`${q.evicted} open request(s) dropped from memory past the cap`);
  return issues;
}

/** Recover 3: the log is the only record of the incident; while it has holes, keep it on and fix them. */
export const keepAuditLog: TriageRule = {
  id: "keep-audit-log",
  step: "Recover 3: keep fallback.audit_log=true until stable",
  threshold: `at least ${A.minIssues} log-quality issue: a seq gap, a derived field, a synthesized line, a reader problem, an orphan or an unfinished request`,
  suggest(analysis, config) {
    const issues = qualityIssues(analysis.quality);
    if (issues.length < A.minIssues) return [];
    const changes: ConfigChange[] = [];
    if (config === undefined) {
      changes.push({ path: "fallback.audit_log", current: true, suggested: true, currentFrom: "log" });
    } else {
      changes.push({
        path: "fallback.audit_log",
        current: config.fallback.audit_log,
        suggested: config.fallback.audit_log === false ? true : config.fallback.audit_log,
        currentFrom: "config",
      });
      for (const [agent, settings] of Object.entries(config.agent).sort(([a], [b]) => (a < b ? -1 : 1)))
        if (settings.fallback?.audit_log === false)
          changes.push({
            path: `${keyPath("agent", agent)}.fallback.audit_log`,
            current: false,
            suggested: true,
            currentFrom: "config",
          });
    }
    return [
      {
        id: "keep-audit-log",
        step: keepAuditLog.step,
        title:
          "Keep fallback.audit_log on (SPEC format, every field) until the log is clean and the incident is over",
        model: null,
        agent: null,
        threshold: keepAuditLog.threshold,
        evidence: issues,
        changes,
      },
    ];
  },
};
