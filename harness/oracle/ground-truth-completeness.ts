import type { Violation } from "../check/violation-collector.ts";
import { str, violation, type NumberedAuditLine } from "./ground-truth-types.ts";

/** SPEC §8's terminal events: a request's last line. A failure with action `fail` is followed by `fallback_exhausted`. */
const TERMINAL = new Set(["fallback_success", "fallback_exhausted"]);

/**
 * SPEC §10.2: an engine that writes any audit line gives every request the harness sent a
 * `fallback_request` and exactly one terminal line. Requests are matched to audit request ids in
 * `fallback_request` order (the runner's `auditByRequest` does the same), so "request #3" here is the
 * fourth request sent. An engine that writes no line at all is not an audit-writing engine: nothing to check.
 */
export function checkCompleteness(audit: readonly NumberedAuditLine[], requestCount: number): Violation[] {
  const records = audit.filter(
    (l): l is NumberedAuditLine & { record: Readonly<Record<string, unknown>> } => l.record !== null,
  );
  if (records.length === 0) return [];
  const started: { id: string; line: number; text: string }[] = [];
  const seen = new Set<string>();
  const terminals = new Map<string, number[]>();
  for (const { line, text, record } of records) {
    const id = str(record, "request_id");
    if (id === undefined) continue;
    if (record["event"] === "fallback_request" && !seen.has(id)) {
      seen.add(id);
      started.push({ id, line, text });
    }
    if (typeof record["event"] === "string" && TERMINAL.has(record["event"]))
      terminals.set(id, [...(terminals.get(id) ?? []), line]);
  }
  const violations: Violation[] = [];
  for (let index = started.length; index < requestCount; index++) {
    violations.push(
      violation(
        "request-unaudited",
        0,
        `request #${index} has no fallback_request: the audit starts ${started.length} request(s) for the ${requestCount} the harness sent; an audit-writing engine logs every request (SPEC §10.2)`,
      ),
    );
  }
  started.slice(0, requestCount).forEach(({ id, line, text }, index) => {
    const ends = terminals.get(id) ?? [];
    if (ends.length === 1) return;
    const message =
      ends.length === 0
        ? `request #${index} (${id}) has no terminal line (fallback_success or fallback_exhausted)`
        : `request #${index} (${id}) has ${ends.length} terminal lines (lines ${ends.join(", ")}); exactly one ends a request`;
    violations.push(violation("request-terminal-count", ends[1] ?? line, message, { requestId: id, text }));
  });
  return violations;
}
