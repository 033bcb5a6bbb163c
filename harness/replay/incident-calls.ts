import type { AuditLine } from "../oracle/audit-schema.ts";

/**
 * An incident log regrouped the two ways replay needs it: the requests in the order they arrived, and the
 * provider calls each model received, in the order the engine made them.
 */

type Line<E extends AuditLine["event"]> = Extract<AuditLine, { event: E }>;

/** How one provider call ended, as the log tells it. */
export type CallOutcome =
  | { readonly kind: "success"; readonly latencyMs: number; readonly line: number }
  | { readonly kind: "failure"; readonly failure: Line<"fallback_failure">; readonly line: number }
  /** The log ends (or the request ends) before the call's outcome: it was still in flight. */
  | { readonly kind: "unanswered" };

/** One provider call: a `fallback_attempt` and its outcome. */
export interface IncidentCall {
  readonly model: string;
  /** Milliseconds since the incident's start. */
  readonly atMs: number;
  readonly requestId: string;
  readonly attempt: number;
  readonly line: number;
  outcome: CallOutcome;
}

/** One request: its opening line and everything after it. */
export interface IncidentRequest {
  /** 0-based, in arrival order. */
  readonly index: number;
  readonly requestId: string;
  readonly agent: string;
  readonly chain: readonly string[];
  readonly primary: string;
  /** Milliseconds since the incident's start. */
  readonly atMs: number;
  readonly line: number;
  /** The terminal line, or null when the log ends first. */
  terminal: Line<"fallback_success"> | Line<"fallback_exhausted"> | null;
  /** When the caller aborted (a failure or an end with reason `aborted`), ms after the request's start. */
  cancelAfterMs: number | null;
  compacted: boolean;
}

/** A log with a line number per entry. */
export interface NumberedLine {
  readonly line: number;
  readonly audit: AuditLine;
  /** A `fallback_request` the reader made up (the log format has none): its chain lists only the models used. */
  readonly chainUnknown?: boolean;
}

/** The regrouped incident. */
export interface IncidentShape {
  /** Epoch ms of the first request. */
  readonly startMs: number;
  readonly requests: readonly IncidentRequest[];
  /** Calls per model, in the order the models were first called. */
  readonly callsByModel: ReadonlyMap<string, readonly IncidentCall[]>;
  /** Lines that belong to no opened request (the log started mid-request): counted, not used. */
  readonly orphanLines: readonly number[];
}

function epoch(ts: string): number {
  return Date.parse(ts);
}

/**
 * Regroups an incident log. Lines must be in the order the engine wrote them (`seq` order); a request's
 * lines before its `fallback_request` (a log that starts mid-request) are orphans.
 */
export function shapeIncident(lines: readonly NumberedLine[]): IncidentShape {
  const first = lines.find((l) => l.audit.event === "fallback_request");
  const startMs = first === undefined ? 0 : epoch(first.audit.ts);
  const requests: IncidentRequest[] = [];
  const open = new Map<string, IncidentRequest>();
  const pending = new Map<string, IncidentCall>();
  const callsByModel = new Map<string, IncidentCall[]>();
  const orphanLines: number[] = [];
  for (const { line, audit } of lines) {
    const at = epoch(audit.ts) - startMs;
    if (audit.event === "fallback_request") {
      const request: IncidentRequest = {
        index: requests.length,
        requestId: audit.request_id,
        agent: audit.agent,
        chain: audit.chain,
        primary: audit.primary,
        atMs: at,
        line,
        terminal: null,
        cancelAfterMs: null,
        compacted: false,
      };
      requests.push(request);
      open.set(audit.request_id, request);
      continue;
    }
    const request = open.get(audit.request_id);
    if (request === undefined) {
      orphanLines.push(line);
      continue;
    }
    const key = `${audit.request_id}#${"attempt" in audit ? audit.attempt : ""}`;
    switch (audit.event) {
      case "fallback_attempt": {
        const call: IncidentCall = {
          model: audit.model,
          atMs: at,
          requestId: audit.request_id,
          attempt: audit.attempt,
          line,
          outcome: { kind: "unanswered" },
        };
        pending.set(key, call);
        const calls = callsByModel.get(audit.model) ?? [];
        calls.push(call);
        callsByModel.set(audit.model, calls);
        break;
      }
      case "fallback_success":
      case "fallback_failure": {
        const call = pending.get(key);
        pending.delete(key);
        if (call !== undefined) {
          call.outcome =
            audit.event === "fallback_success"
              ? { kind: "success", latencyMs: audit.latency_ms, line }
              : { kind: "failure", failure: audit, line };
        }
        if (audit.event === "fallback_failure") {
          if (audit.reason === "aborted") request.cancelAfterMs ??= at - request.atMs;
          if (audit.action === "compact") request.compacted = true;
        } else {
          request.terminal = audit;
          open.delete(audit.request_id);
        }
        break;
      }
      case "fallback_exhausted":
        if (audit.reason === "aborted") request.cancelAfterMs ??= at - request.atMs;
        request.terminal = audit;
        open.delete(audit.request_id);
        break;
      case "circuit_transition":
      case "fallback_model_skipped":
      case "fallback_promoted":
        // Decisions, not calls: the comparison reads them; the inferred faults do not need them.
        break;
      default: {
        const unreachable: never = audit;
        return unreachable;
      }
    }
  }
  return { startMs, requests, callsByModel, orphanLines };
}
