import type { AuditLine } from "../oracle/audit-schema.ts";
import type { NumberedLine } from "./incident-calls.ts";

/**
 * An audit log reduced to the decisions an engine made, per request, in a form two runs can be compared
 * in: request ids become arrival indexes, timestamps become offsets from the first request, and `seq` is
 * dropped. Waits keep their value apart from the decision so they can be compared within a tolerance.
 */

/** One decision of one request. */
export interface DecisionStep {
  /** Line number in its log. */
  readonly line: number;
  /** Milliseconds since the log's first request. */
  readonly atMs: number;
  /** Milliseconds since its own request began (where jitter drift accumulates). */
  readonly sinceRequestMs: number;
  /** The decision as a sentence: equal sentences are equal decisions. */
  readonly text: string;
  /** The wait the decision chose (`delay_ms`), compared within the tolerance. */
  readonly waitMs: number | null;
  /** For a request whose chain the log did not hold: the decision without it, which is all that can be compared. */
  readonly withoutChain: string | null;
}

export interface RequestDecisions {
  /** 0-based arrival index. */
  readonly index: number;
  readonly requestId: string;
  readonly steps: readonly DecisionStep[];
}

const fmt = (value: string | number | null): string => (value === null ? "none" : String(value));

/** The decision a line records, without ids, times or the wait's exact length. */
export function decisionText(line: AuditLine): string {
  switch (line.event) {
    case "fallback_request":
      return `request by ${line.agent}: chain [${line.chain.join(", ")}], primary ${line.primary}`;
    case "fallback_attempt":
      return `attempt ${line.attempt} on ${line.model} (model attempt ${line.model_attempt})`;
    case "fallback_success":
      return `success of attempt ${line.attempt} on ${line.model}${line.fallback ? " (a fallback)" : ""}`;
    case "fallback_failure":
      return `failure of attempt ${line.attempt} on ${line.model}: ${line.error_type}/${line.reason}, status ${fmt(line.status)}, retry-after ${fmt(line.retry_after_ms)} → ${line.action}${line.delay_ms === null ? "" : " after a wait"}`;
    case "fallback_model_skipped":
      return `skip ${line.model} (${line.reason})`;
    case "circuit_transition":
      return `circuit of ${line.model}: ${line.from} → ${line.to} (${line.cause}, ${line.failures} failures)`;
    case "fallback_promoted":
      return `promote ${line.model}`;
    case "fallback_exhausted":
      return `exhausted after ${line.attempts} attempts: ${fmt(line.error_type)}/${line.reason}`;
    default: {
      const unreachable: never = line;
      return unreachable;
    }
  }
}

/** Every request's decisions, in arrival order. Lines of requests that never opened are left out. */
export function decisionsOf(lines: readonly NumberedLine[]): RequestDecisions[] {
  const first = lines.find((l) => l.audit.event === "fallback_request");
  const startMs = first === undefined ? 0 : Date.parse(first.audit.ts);
  type Building = { index: number; requestId: string; beganMs: number; steps: DecisionStep[] };
  const byId = new Map<string, Building>();
  const ordered: Building[] = [];
  for (const numbered of lines) {
    const { line, audit } = numbered;
    let request = byId.get(audit.request_id);
    const atMs = Date.parse(audit.ts) - startMs;
    if (audit.event === "fallback_request") {
      request = { index: ordered.length, requestId: audit.request_id, beganMs: atMs, steps: [] };
      byId.set(audit.request_id, request);
      ordered.push(request);
    }
    if (request === undefined) continue;
    const withoutChain =
      audit.event === "fallback_request" ? `request by ${audit.agent}: primary ${audit.primary}` : null;
    request.steps.push({
      line,
      atMs,
      sinceRequestMs: atMs - request.beganMs,
      text: decisionText(audit),
      waitMs: audit.event === "fallback_failure" ? audit.delay_ms : null,
      withoutChain: numbered.chainUnknown === true ? withoutChain : null,
    });
  }
  return ordered.map(({ index, requestId, steps }) => ({ index, requestId, steps }));
}
