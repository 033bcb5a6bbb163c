import type { IncidentLine } from "../../incident/incident-line.ts";
import { isOracleReason, rowOf } from "../../oracle/action-table.ts";
import { TopK } from "../stats/top-k.ts";
import { EXAMPLE_CAP } from "../thresholds.ts";
import type {
  AgentFindings,
  ErrorFindings,
  ErrorReasonTally,
  LineExample,
  RequestSummary,
  UnrecoveredErrors,
  WorstRequests,
} from "../triage-findings.ts";

/** A request between its first line and its terminal one. */
interface OpenRequest {
  readonly id: string;
  readonly agent: string;
  readonly chain: readonly string[] | null;
  readonly primary: string | null;
  readonly startMs: number;
  readonly firstLine: number;
  lastLine: number;
  lastMs: number;
  attempts: number;
  waitMs: number;
  /** Models attempted or skipped: bounded by the chain. */
  readonly touched: Set<string>;
}

/** A request that just ended, for the tallies that care (return to primary). */
export interface ClosedRequest {
  readonly summary: RequestSummary;
  readonly primary: string | null;
  readonly fallback: boolean;
}

interface AgentTally {
  requests: number;
  served: number;
  servedByFallback: number;
  endedInError: number;
  /** Chain (space-joined) → requests; at most CHAIN_CAP chains are told apart. */
  readonly chains: Map<string, number>;
  /** Errors since the agent's last success. */
  pending: { count: number; sinceLine: number; sinceMs: number; examples: RequestSummary[] } | null;
  lastSuccessLine: number | null;
  readonly chainExhausted: ReasonCounter;
  readonly retriesRanOut: ReasonCounter;
}

/** Requests counted per reason, with the first few as examples. */
class ReasonCounter {
  count = 0;
  readonly byReason = new Map<string, number>();
  readonly examples: RequestSummary[] = [];

  add(reason: string, summary: RequestSummary): void {
    this.count += 1;
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
    if (this.examples.length < EXAMPLE_CAP) this.examples.push(summary);
  }

  done(): { count: number; byReason: Record<string, number>; examples: RequestSummary[] } {
    const byReason = Object.fromEntries(
      [...this.byReason.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    return { count: this.count, byReason, examples: [...this.examples] };
  }
}

/** A reason another model could have served: not a `fail`-class one (the same request fails anywhere), not the deadline. */
function anotherModelCouldServe(reason: string): boolean {
  if (reason === "all_open") return true;
  return isOracleReason(reason) && rowOf(reason).action !== "fail";
}

/** Distinct chains remembered per agent; more are counted, not kept. */
const CHAIN_CAP = 16;
/** Requests closed by an OpenCode-style `fail` whose later `fallback_exhausted` is absorbed, not an orphan. */
const RECENTLY_CLOSED_CAP = 1_024;

function byAttempts(a: RequestSummary, b: RequestSummary): number {
  return a.attempts - b.attempts || a.durationMs - b.durationMs || b.firstLine - a.firstLine;
}
function byDuration(a: RequestSummary, b: RequestSummary): number {
  return a.durationMs - b.durationMs || a.attempts - b.attempts || b.firstLine - a.firstLine;
}
function byWaiting(a: RequestSummary, b: RequestSummary): number {
  return a.waitMs - b.waitMs || a.durationMs - b.durationMs || b.firstLine - a.firstLine;
}

/**
 * Follows every request from its first line to its terminal one, holding only the open ones (at most `cap`;
 * older ones are evicted and counted). At its end a request feeds the per-agent tallies, the errors by
 * reason, the unrecovered errors (an error with no later success of the same agent) and the worst requests.
 */
export class RequestTally {
  readonly #open = new Map<string, OpenRequest>();
  readonly #recentlyClosed = new Set<string>();
  readonly #agents = new Map<string, AgentTally>();
  readonly #errors = new Map<string, { count: number; chainCovered: number; examples: RequestSummary[] }>();
  readonly #worst: {
    attempts: TopK<RequestSummary>;
    duration: TopK<RequestSummary>;
    waiting: TopK<RequestSummary>;
  };
  readonly #orphans: LineExample[] = [];
  #orphanCount = 0;
  #evicted = 0;
  #abandoned = 0;
  readonly #abandonedExamples: LineExample[] = [];
  #requests = 0;
  #served = 0;
  #servedByFallback = 0;
  #endedInError = 0;
  #recovered = 0;
  /** Requests that ended in error on a retryable reason: their retries ran out. */
  #retriesRanOut = 0;

  constructor(
    private readonly cap: number,
    topK: number,
  ) {
    this.#worst = {
      attempts: new TopK(topK, byAttempts),
      duration: new TopK(topK, byDuration),
      waiting: new TopK(topK, byWaiting),
    };
  }

  /** Takes one line; returns the request it ended, if it ended one. */
  feed(incident: IncidentLine, ms: number): ClosedRequest | null {
    const audit = incident.audit;
    if (audit.event === "fallback_request") {
      // A second request line for an open id: the first never ended. Keep the newer, count the older.
      const earlier = this.#open.get(audit.request_id);
      if (earlier !== undefined) this.#abandon(earlier, incident.line);
      this.#start(audit.request_id, audit.agent, audit.chain, audit.primary, ms, incident.line);
      return null;
    }
    let request = this.#open.get(audit.request_id);
    if (request === undefined) {
      // A breaker or promotion line may follow its request's terminal line; it does not start a request.
      if (
        this.#recentlyClosed.has(audit.request_id) ||
        audit.event === "circuit_transition" ||
        audit.event === "fallback_promoted"
      )
        return null;
      this.#orphanCount += 1;
      if (this.#orphans.length < EXAMPLE_CAP)
        this.#orphans.push({
          line: incident.line,
          detail: `${audit.event} of ${audit.request_id} without its fallback_request`,
        });
      request = this.#start(audit.request_id, audit.agent, null, null, ms, incident.line);
    }
    request.lastLine = Math.max(request.lastLine, incident.line);
    request.lastMs = Math.max(request.lastMs, ms);
    switch (audit.event) {
      case "fallback_attempt":
        request.attempts = Math.max(request.attempts + 1, audit.attempt);
        request.touched.add(audit.model);
        return null;
      case "fallback_model_skipped":
        request.touched.add(audit.model);
        return null;
      case "fallback_failure":
        request.waitMs += audit.delay_ms ?? 0;
        request.attempts = Math.max(request.attempts, audit.attempt);
        request.touched.add(audit.model);
        // OpenCode-style logs end a request at a `fail` without writing fallback_exhausted.
        if (incident.format === "opencode" && audit.action === "fail")
          return this.#close(request, { kind: "error", reason: audit.reason, line: incident.line });
        return null;
      case "fallback_success":
        request.attempts = Math.max(request.attempts, audit.attempt);
        return this.#close(request, {
          kind: "served",
          model: audit.model,
          fallback: audit.fallback,
          line: incident.line,
        });
      case "fallback_exhausted":
        request.attempts = Math.max(request.attempts, audit.attempts);
        return this.#close(request, { kind: "error", reason: audit.reason, line: incident.line });
      case "circuit_transition":
      case "fallback_promoted":
        return null;
      default: {
        const never: never = audit;
        return never;
      }
    }
  }

  #start(
    id: string,
    agent: string,
    chain: readonly string[] | null,
    primary: string | null,
    ms: number,
    line: number,
  ): OpenRequest {
    const request: OpenRequest = {
      id,
      agent,
      chain,
      primary,
      startMs: ms,
      firstLine: line,
      lastLine: line,
      lastMs: ms,
      attempts: 0,
      waitMs: 0,
      touched: new Set(),
    };
    this.#open.set(id, request);
    this.#requests += 1;
    const tally = this.#agent(agent);
    tally.requests += 1;
    if (chain !== null) {
      const key = chain.join(" ");
      if (tally.chains.has(key) || tally.chains.size < CHAIN_CAP)
        tally.chains.set(key, (tally.chains.get(key) ?? 0) + 1);
    }
    if (this.#open.size > this.cap) {
      const oldest = this.#open.keys().next().value;
      if (oldest !== undefined) {
        this.#open.delete(oldest);
        this.#evicted += 1;
      }
    }
    return request;
  }

  #agent(agent: string): AgentTally {
    let tally = this.#agents.get(agent);
    if (tally === undefined) {
      tally = {
        requests: 0,
        served: 0,
        servedByFallback: 0,
        endedInError: 0,
        chains: new Map(),
        pending: null,
        lastSuccessLine: null,
        chainExhausted: new ReasonCounter(),
        retriesRanOut: new ReasonCounter(),
      };
      this.#agents.set(agent, tally);
    }
    return tally;
  }

  #summary(
    request: OpenRequest,
    outcome: RequestSummary["outcome"],
    servedBy: string | null,
    reason: string | null,
  ): RequestSummary {
    return {
      requestId: request.id,
      agent: request.agent,
      outcome,
      servedBy,
      reason,
      attempts: request.attempts,
      durationMs: Math.max(0, request.lastMs - request.startMs),
      waitMs: request.waitMs,
      firstLine: request.firstLine,
      lastLine: request.lastLine,
    };
  }

  /** Only requests that did worse than the plainest one: more than one attempt, some time, some waiting. */
  #offerWorst(summary: RequestSummary): void {
    if (summary.attempts > 1) this.#worst.attempts.offer(summary);
    if (summary.durationMs > 0) this.#worst.duration.offer(summary);
    if (summary.waitMs > 0) this.#worst.waiting.offer(summary);
  }

  #close(
    request: OpenRequest,
    end:
      | { kind: "served"; model: string; fallback: boolean; line: number }
      | { kind: "error"; reason: string; line: number },
  ): ClosedRequest {
    this.#open.delete(request.id);
    this.#recentlyClosed.add(request.id);
    if (this.#recentlyClosed.size > RECENTLY_CLOSED_CAP) {
      const oldest = this.#recentlyClosed.values().next().value;
      if (oldest !== undefined) this.#recentlyClosed.delete(oldest);
    }
    const tally = this.#agent(request.agent);
    if (end.kind === "served") {
      const summary = this.#summary(request, "served", end.model, null);
      this.#served += 1;
      tally.served += 1;
      if (end.fallback) {
        this.#servedByFallback += 1;
        tally.servedByFallback += 1;
      }
      this.#recovered += tally.pending?.count ?? 0;
      tally.pending = null;
      tally.lastSuccessLine = end.line;
      this.#offerWorst(summary);
      return { summary, primary: request.primary, fallback: end.fallback };
    }
    const summary = this.#summary(request, "error", null, end.reason);
    this.#endedInError += 1;
    tally.endedInError += 1;
    const covered =
      end.reason === "all_open" ||
      (request.chain !== null && request.chain.every((m) => request.touched.has(m)));
    const tallyOfReason = this.#errors.get(end.reason) ?? { count: 0, chainCovered: 0, examples: [] };
    tallyOfReason.count += 1;
    if (covered) tallyOfReason.chainCovered += 1;
    if (tallyOfReason.examples.length < EXAMPLE_CAP) tallyOfReason.examples.push(summary);
    this.#errors.set(end.reason, tallyOfReason);
    if (covered && anotherModelCouldServe(end.reason)) tally.chainExhausted.add(end.reason, summary);
    if (isOracleReason(end.reason) && rowOf(end.reason).action === "retry") {
      this.#retriesRanOut += 1;
      tally.retriesRanOut.add(end.reason, summary);
    }
    tally.pending ??= { count: 0, sinceLine: end.line, sinceMs: request.lastMs, examples: [] };
    tally.pending.count += 1;
    if (tally.pending.examples.length < EXAMPLE_CAP) tally.pending.examples.push(summary);
    this.#offerWorst(summary);
    return { summary, primary: request.primary, fallback: false };
  }

  /** A second `fallback_request` for an open id: the first request never ended. It counts as unfinished. */
  #abandon(request: OpenRequest, line: number): void {
    this.#open.delete(request.id);
    this.#offerWorst(this.#summary(request, "unfinished", null, null));
    this.#abandoned += 1;
    if (this.#abandonedExamples.length < EXAMPLE_CAP)
      this.#abandonedExamples.push({
        line: request.firstLine,
        detail: `${request.id} (${request.agent}) has no terminal line before its id starts again at line ${line}`,
      });
  }

  get counts(): {
    requests: number;
    served: number;
    servedByFallback: number;
    endedInError: number;
    retriesRanOut: number;
  } {
    return {
      requests: this.#requests,
      served: this.#served,
      servedByFallback: this.#servedByFallback,
      endedInError: this.#endedInError,
      retriesRanOut: this.#retriesRanOut,
    };
  }

  /** Closes the books: open requests become unfinished (and still compete for the worst). */
  finish(isoOf: (ms: number) => string): {
    agents: AgentFindings[];
    errors: ErrorFindings;
    worst: WorstRequests;
    unfinished: { count: number; examples: LineExample[] };
    orphans: { count: number; examples: LineExample[] };
    evicted: number;
  } {
    const unfinished: LineExample[] = [...this.#abandonedExamples];
    for (const request of this.#open.values()) {
      const summary = this.#summary(request, "unfinished", null, null);
      this.#offerWorst(summary);
      if (unfinished.length < EXAMPLE_CAP)
        unfinished.push({
          line: request.firstLine,
          detail: `${request.id} (${request.agent}) has no terminal line; its last line is ${request.lastLine}`,
        });
    }
    const agents = [...this.#agents.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([agent, t]): AgentFindings => {
        const [chain] =
          [...t.chains.entries()].sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : ka > kb ? 1 : 0))[0] ??
          [];
        return {
          agent,
          requests: t.requests,
          served: t.served,
          servedByFallback: t.servedByFallback,
          endedInError: t.endedInError,
          chain: chain === undefined ? null : chain.split(" "),
          chainsSeen: t.chains.size,
          chainExhausted: t.chainExhausted.done(),
          retriesRanOut: t.retriesRanOut.done(),
        };
      });
    const byReason = [...this.#errors.entries()]
      .map(([reason, t]): ErrorReasonTally => ({
        reason,
        count: t.count,
        chainCovered: t.chainCovered,
        examples: t.examples,
      }))
      .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
    const unrecovered = [...this.#agents.entries()]
      .filter(([, t]) => t.pending !== null)
      .map(([agent, t]): UnrecoveredErrors => {
        const pending = t.pending as NonNullable<AgentTally["pending"]>;
        return {
          agent,
          count: pending.count,
          sinceLine: pending.sinceLine,
          sinceTs: isoOf(pending.sinceMs),
          lastSuccessLine: t.lastSuccessLine,
          examples: pending.examples,
        };
      })
      .sort((a, b) => b.count - a.count || (a.agent < b.agent ? -1 : 1));
    return {
      agents,
      errors: { total: this.#endedInError, byReason, unrecovered, recovered: this.#recovered },
      worst: {
        byAttempts: this.#worst.attempts.items(),
        byDuration: this.#worst.duration.items(),
        byWaiting: this.#worst.waiting.items(),
      },
      unfinished: { count: this.#open.size + this.#abandoned, examples: unfinished },
      orphans: { count: this.#orphanCount, examples: [...this.#orphans] },
      evicted: this.#evicted,
    };
  }
}
