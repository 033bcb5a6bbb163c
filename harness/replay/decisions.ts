import type { OracleReason } from "../oracle/action-table.ts";
import type { AuditLine } from "../oracle/audit-schema.ts";
import type { NumberedLine } from "./incident-calls.ts";

/**
 * An audit log reduced to the decisions an engine made, per request, in a form two runs can be compared
 * in: request ids become arrival indexes, timestamps become offsets from the first request, and `seq` is
 * dropped. Waits keep their value apart from the decision, with what SPEC §4 needs to bound them, because
 * two engines that follow the config may draw different jitter.
 */

/** A retry's announced wait and the facts SPEC §4 bounds it by. */
export interface RetryWait {
  /** `delay_ms` as logged. */
  readonly delayMs: number;
  readonly reason: OracleReason;
  readonly status: number | null;
  readonly retryAfterMs: number | null;
  /** The failed attempt's number within its request. */
  readonly attempt: number;
  /** 1-based retry number n of backoff_n: `model_attempt` less the attempts that followed a compaction. */
  readonly retryNumber: number;
}

/** The step at which the engine went on after a wait (its next attempt, skip or end). */
export interface WaitEnd {
  /** 0-based index of the failure step that announced the wait. */
  readonly failureStep: number;
  /** Milliseconds the log shows between that failure and this step: the wait actually taken. */
  readonly gapMs: number;
  /** The request ended during the wait (the caller's abort, the deadline): the gap is no wait to judge. */
  readonly cut: boolean;
}

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
  readonly event: AuditLine["event"];
  /** The wait the decision chose (`delay_ms`). */
  readonly waitMs: number | null;
  /** For a retry that announced a wait: what bounds it (null for every other step). */
  readonly wait: RetryWait | null;
  /** When this is the first step after a wait: which failure announced it and how long the log shows. */
  readonly endsWait: WaitEnd | null;
  /**
   * Time this request spent in waits by this step, as the log shows them taken (failure to next step).
   * Subtracted from `sinceRequestMs` when times are compared: each wait is judged by its bounds, so two
   * different jitter draws must not count against the times after them.
   */
  readonly waitedBeforeMs: number;
  /** For a request whose chain the log did not hold: the decision without it, which is all that can be compared. */
  readonly withoutChain: string | null;
}

export interface RequestDecisions {
  /** 0-based arrival index. */
  readonly index: number;
  readonly requestId: string;
  /** The agent of its `fallback_request`, whose settings bound its waits. */
  readonly agent: string;
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

/** What a request under construction remembers to bound its waits and end them. */
interface Building {
  readonly index: number;
  readonly requestId: string;
  readonly agent: string;
  readonly beganMs: number;
  readonly steps: DecisionStep[];
  waitedMs: number;
  /** A wait announced and not yet over: the failure step's index and time. */
  pendingWait: { step: number; atMs: number } | null;
  /** The model of the latest attempt, and how many of its attempts followed a compaction. */
  current: { model: string; compactionRetries: number } | null;
  lastAction: string | null;
}

/** Whether a line is the engine going on after a wait (an open → half_open comes right before the attempt it permits). */
function endsAWait(audit: AuditLine): boolean {
  switch (audit.event) {
    case "fallback_attempt":
    case "fallback_model_skipped":
    case "fallback_exhausted":
      return true;
    case "circuit_transition":
      return audit.to === "half_open";
    case "fallback_request":
    case "fallback_success":
    case "fallback_failure":
    case "fallback_promoted":
      return false;
    default: {
      const unreachable: never = audit;
      return unreachable;
    }
  }
}

function retryWait(audit: AuditLine, request: Building): RetryWait | null {
  if (audit.event !== "fallback_failure" || audit.delay_ms === null) return null;
  const compactionRetries = request.current?.model === audit.model ? request.current.compactionRetries : 0;
  return {
    delayMs: audit.delay_ms,
    reason: audit.reason,
    status: audit.status,
    retryAfterMs: audit.retry_after_ms,
    attempt: audit.attempt,
    retryNumber: audit.model_attempt - compactionRetries,
  };
}

/** Keeps the per-model attempt count the backoff's n needs (docs/decisions.md: a compaction retry is not a retry). */
function trackAttempt(audit: AuditLine, request: Building): void {
  if (audit.event === "fallback_attempt") {
    const continuation = request.current?.model === audit.model;
    const before = continuation ? (request.current?.compactionRetries ?? 0) : 0;
    request.current = {
      model: audit.model,
      compactionRetries: before + (continuation && request.lastAction === "compact" ? 1 : 0),
    };
    request.lastAction = null;
  } else if (audit.event === "fallback_failure") {
    request.lastAction = audit.action;
  }
}

/** Every request's decisions, in arrival order. Lines of requests that never opened are left out. */
export function decisionsOf(lines: readonly NumberedLine[]): RequestDecisions[] {
  const first = lines.find((l) => l.audit.event === "fallback_request");
  const startMs = first === undefined ? 0 : Date.parse(first.audit.ts);
  const byId = new Map<string, Building>();
  const ordered: Building[] = [];
  for (const numbered of lines) {
    const { line, audit } = numbered;
    let request = byId.get(audit.request_id);
    const atMs = Date.parse(audit.ts) - startMs;
    if (audit.event === "fallback_request") {
      request = {
        index: ordered.length,
        requestId: audit.request_id,
        agent: audit.agent,
        beganMs: atMs,
        steps: [],
        waitedMs: 0,
        pendingWait: null,
        current: null,
        lastAction: null,
      };
      byId.set(audit.request_id, request);
      ordered.push(request);
    }
    if (request === undefined) continue;
    let endsWait: WaitEnd | null = null;
    const pending = request.pendingWait;
    if (pending !== null && endsAWait(audit)) {
      endsWait = {
        failureStep: pending.step,
        gapMs: atMs - pending.atMs,
        cut: audit.event === "fallback_exhausted",
      };
      request.waitedMs += endsWait.gapMs;
      request.pendingWait = null;
    }
    const wait = retryWait(audit, request);
    trackAttempt(audit, request);
    const withoutChain =
      audit.event === "fallback_request" ? `request by ${audit.agent}: primary ${audit.primary}` : null;
    request.steps.push({
      line,
      atMs,
      sinceRequestMs: atMs - request.beganMs,
      text: decisionText(audit),
      event: audit.event,
      waitMs: audit.event === "fallback_failure" ? audit.delay_ms : null,
      wait,
      endsWait,
      waitedBeforeMs: request.waitedMs,
      withoutChain: numbered.chainUnknown === true ? withoutChain : null,
    });
    if (wait !== null) request.pendingWait = { step: request.steps.length - 1, atMs };
  }
  return ordered.map(({ index, requestId, agent, steps }) => ({ index, requestId, agent, steps }));
}
