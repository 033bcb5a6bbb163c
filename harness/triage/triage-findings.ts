import type { IncidentFormat, IncidentProblem } from "../incident/incident-line.ts";

/**
 * What `fallback-harness triage` found in an audit log: the DECISION_141 runbook's Detect and Diagnose
 * steps as data, and its Recover steps as suggested actions. Plain JSON (no Map, no undefined), so
 * `--json` prints it as it is and the same log always gives the same bytes.
 */
export interface TriageFindings {
  readonly version: 1;
  readonly file: string | null;
  /** First and last `ts` of the log (the extremes, so out-of-order lines do not shorten it). */
  readonly span: TimeSpan | null;
  readonly totals: Totals;
  /** Per model, most failing first. */
  readonly models: readonly ModelFindings[];
  readonly agents: readonly AgentFindings[];
  readonly errors: ErrorFindings;
  readonly breakers: readonly BreakerFindings[];
  readonly waiting: WaitingFindings;
  readonly returnToPrimary: readonly PrimaryFindings[];
  readonly worst: WorstRequests;
  readonly quality: LogQuality;
  /** A shared time axis for the charts: breaker states per model and waiting, in capped buckets. */
  readonly timeline: Timeline;
  readonly actions: readonly SuggestedAction[];
  /** Every rule that was checked, fired or not, with the threshold it applies. */
  readonly rules: readonly RuleOutcome[];
}

/** The log's first and last time, and the time between. */
export interface TimeSpan {
  readonly from: string;
  readonly to: string;
  readonly durationMs: number;
}

/** Counts over the whole log. */
export interface Totals {
  /** Lines of the file that were used (lines the reader synthesized are not counted). */
  readonly lines: number;
  readonly requests: number;
  readonly served: number;
  /** Served by a model other than the chain's head. */
  readonly servedByFallback: number;
  /** Ended in `fallback_exhausted` (or, in OpenCode-style logs, a failure with action `fail`). */
  readonly endedInError: number;
  /** Still open when the log ended. */
  readonly unfinished: number;
  readonly attempts: number;
  readonly failures: number;
  readonly skips: number;
  readonly transitions: number;
}

/** Sum and percentiles of a set of durations; percentiles are exact up to a few thousand samples, then within 1 %. */
export interface DurationStats {
  readonly count: number;
  readonly totalMs: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly maxMs: number | null;
}

/** Failures of one reason on one model. */
export interface ReasonTally {
  readonly reason: string;
  readonly count: number;
  /** HTTP status → count; `none` for failures without one. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Action taken → count. */
  readonly actions: Readonly<Record<string, number>>;
  readonly firstLine: number;
  readonly lastLine: number;
}

/** A stretch of lines, for evidence. */
export interface LineRange {
  readonly count: number;
  readonly fromLine: number;
  readonly toLine: number;
}

/** One model: the runbook's "repeated fallback_failure / fallback_model_skipped entries". */
export interface ModelFindings {
  readonly model: string;
  /** Attempt lines, or outcomes when a log lacks attempt lines (whichever is larger). */
  readonly attempts: number;
  readonly successes: number;
  readonly failures: number;
  /** failures / attempts; null without attempts. */
  readonly failureShare: number | null;
  /** `fallback_model_skipped` per reason. */
  readonly skipped: Readonly<Record<string, number>>;
  readonly skippedTotal: number;
  readonly byReason: readonly ReasonTally[];
  /** The longest run of failures on this model with no success in between. */
  readonly longestFailureRun: LineRange | null;
  /** Its last outcome in the log (null without any): did it end the log healthy? */
  readonly lastOutcome: "success" | "failure" | null;
  readonly firstFailureLine: number | null;
  /** Retry-After of its `quota_exhausted` failures that carried one (a Retry-After above the cap becomes a quota). */
  readonly quotaRetryAfter: DurationStats;
  /** Agents whose requests used it (sorted, capped). */
  readonly agents: readonly string[];
}

/** One agent: its requests, its chain and how its requests ended. */
export interface AgentFindings {
  readonly agent: string;
  readonly requests: number;
  readonly served: number;
  readonly servedByFallback: number;
  readonly endedInError: number;
  /** The chain most of its requests carried (`fallback_request.chain`); null when no request line was seen. */
  readonly chain: readonly string[] | null;
  /** Distinct chains seen (told apart up to a cap). */
  readonly chainsSeen: number;
  /**
   * Requests that ended in error after every model of their chain was tried or skipped (or `all_open`),
   * for a reason another model could have served: not a `fail`-class reason, not the deadline.
   */
  readonly chainExhausted: {
    readonly count: number;
    readonly byReason: Readonly<Record<string, number>>;
    readonly examples: readonly RequestSummary[];
  };
  /** Requests that ended in error on a retryable reason (rate limit, overload, network): their retries ran out. */
  readonly retriesRanOut: {
    readonly count: number;
    readonly byReason: Readonly<Record<string, number>>;
    readonly examples: readonly RequestSummary[];
  };
}

/** One request, as the worst-requests tables and the evidence show it. */
export interface RequestSummary {
  readonly requestId: string;
  readonly agent: string;
  readonly outcome: "served" | "error" | "unfinished";
  readonly servedBy: string | null;
  /** The class reason, `deadline` or `all_open` of a request that ended in error. */
  readonly reason: string | null;
  readonly attempts: number;
  readonly durationMs: number;
  readonly waitMs: number;
  readonly firstLine: number;
  readonly lastLine: number;
}

/** Requests that ended in error for one reason. */
export interface ErrorReasonTally {
  readonly reason: string;
  readonly count: number;
  /** Requests of this reason whose every chain model was tried or skipped. */
  readonly chainCovered: number;
  readonly examples: readonly RequestSummary[];
}

/** Requests of one agent that ended in error after its last success, and nothing served it since. */
export interface UnrecoveredErrors {
  readonly agent: string;
  readonly count: number;
  readonly sinceLine: number;
  readonly sinceTs: string;
  /** The agent's last success before them, or null when it never had one in this log. */
  readonly lastSuccessLine: number | null;
  readonly examples: readonly RequestSummary[];
}

/** Requests that ended in error: by reason, and those no later success followed. */
export interface ErrorFindings {
  readonly total: number;
  readonly byReason: readonly ErrorReasonTally[];
  /** Requests that ended in error with no later success for the same agent. */
  readonly unrecovered: readonly UnrecoveredErrors[];
  /** Errors that a later success of the same agent followed. */
  readonly recovered: number;
}

/** One outage spell of a circuit: from closed → open until it closed again (or the log ended). */
export interface BreakerSpell {
  readonly openedLine: number;
  readonly openedTs: string;
  readonly closedLine: number | null;
  readonly durationMs: number;
  /** Probes that failed and reopened the circuit within this spell. */
  readonly reopens: number;
}

/** One model's circuit as the log tells it: openings, flapping, time not closed. */
export interface BreakerFindings {
  readonly model: string;
  readonly transitions: number;
  /** closed → open. */
  readonly opened: number;
  /** open → half_open. */
  readonly halfOpened: number;
  /** half_open → open: a probe failed (one flapping cycle open → half_open → open). */
  readonly reopened: number;
  /** half_open → closed: a probe succeeded. */
  readonly closed: number;
  /** Time not closed (open or half-open), clipped to the log's span. */
  readonly notClosedMs: number;
  readonly longestSpell: BreakerSpell | null;
  /** Spells that closed on their first probe: the circuit was open and the provider was already back. */
  readonly firstProbeRecoveries: number;
  /** The longest of those, in ms (null if none). */
  readonly longestFirstProbeRecoveryMs: number | null;
  /** Closed spells (those that ended in half_open → closed). */
  readonly closedSpells: number;
  readonly stateAtEnd: "closed" | "open" | "half_open";
  /** Transitions per hour of log; null for a log shorter than a second. */
  readonly transitionsPerHour: number | null;
  /** The shortest `cooldown_until − ts` of a transition into open: the configured cooldown as the log shows it. */
  readonly observedCooldownMs: number | null;
}

/** Durations of one model or one reason. */
export interface KeyedDurations {
  readonly key: string;
  readonly stats: DurationStats;
}

/** Time spent waiting (`delay_ms`): in all, per model, per reason. */
export interface WaitingFindings {
  readonly total: DurationStats;
  readonly byModel: readonly KeyedDurations[];
  readonly byReason: readonly KeyedDurations[];
}

/** One episode of a primary model failing until a request was served by it again. */
export interface PrimaryEpisode {
  readonly startLine: number;
  readonly startTs: string;
  readonly startReason: string;
  /** When the primary's circuit opened within the episode, if it did. */
  readonly circuitOpenedTs: string | null;
  readonly backLine: number | null;
  readonly backTs: string | null;
  /** From the first failure to the primary's next success; null = never in this log (then to the log's end). */
  readonly durationMs: number | null;
  /** From the circuit opening to the primary's next success. */
  readonly sinceOpenMs: number | null;
  /** Requests with this primary served by another model meanwhile. */
  readonly servedElsewhere: number;
  /** Requests with this primary that ended in error meanwhile. */
  readonly endedInError: number;
}

/** Time to get back to one primary model after it failed. */
export interface PrimaryFindings {
  readonly primary: string;
  /** Episodes that touched traffic: a request went elsewhere or failed, or the circuit opened. */
  readonly outages: number;
  /** Failures the primary got over within the same request (a retry succeeded) with nothing else affected. */
  readonly blips: number;
  readonly first: PrimaryEpisode | null;
  readonly longest: PrimaryEpisode | null;
  /** The outage still going on when the log ended: the primary never served again. */
  readonly ongoing: PrimaryEpisode | null;
}

/** The worst requests, best (worst) first, each list at most top-K long. */
export interface WorstRequests {
  readonly byAttempts: readonly RequestSummary[];
  readonly byDuration: readonly RequestSummary[];
  readonly byWaiting: readonly RequestSummary[];
}

/** A line number and what is wrong or notable there. */
export interface LineExample {
  readonly line: number;
  readonly detail: string;
}

/** A count with its first few examples. */
export interface CountWithExamples {
  readonly count: number;
  readonly examples: readonly LineExample[];
}

/** How far to trust the log: its gaps, derived fields and the reader's problems. */
export interface LogQuality {
  readonly formats: Readonly<Record<IncidentFormat, number>>;
  /** Problems the reader reported, the first ones in line order. */
  readonly problems: readonly IncidentProblem[];
  readonly problemCounts: Readonly<Record<string, number>>;
  /** Fields the source lines lacked and the reader derived, per field. */
  readonly derivedFields: readonly {
    readonly field: string;
    readonly count: number;
    readonly firstLine: number;
  }[];
  /** Lines the reader made up whole (a missing `fallback_request` or attempt line). */
  readonly synthesizedLines: CountWithExamples;
  /** Jumps in `seq`: lines missing from the log. */
  readonly seqGaps: CountWithExamples & { readonly missing: number };
  readonly seqRepeats: CountWithExamples;
  readonly tsOutOfOrder: CountWithExamples;
  /** Lines of a request whose `fallback_request` was not seen (the log starts mid-request, or lines are missing). */
  readonly orphans: CountWithExamples;
  readonly unfinished: CountWithExamples;
  /** Open requests dropped from memory past the cap (counted, never analysed further). */
  readonly evicted: number;
}

/** Capped time buckets shared by every chart, so a waiting spike lines up with the circuit that caused it. */
export interface Timeline {
  /** Epoch ms of bucket 0 (buckets align to their width, so it may precede the log). */
  readonly startMs: number;
  /** Epoch ms of the log's first time: the axis counts from here. */
  readonly originMs: number;
  readonly bucketMs: number;
  readonly buckets: number;
  /** Per model: ms open and ms half-open in each bucket. */
  readonly breakers: readonly {
    readonly model: string;
    readonly openMs: readonly number[];
    readonly halfOpenMs: readonly number[];
  }[];
  /** delay_ms of failures in each bucket (by the failure's time). */
  readonly waitMs: readonly number[];
  readonly failures: readonly number[];
}

/** The runbook steps the actions come from. */
export type RunbookStep =
  | "Diagnose 1: verify configured chains are valid model IDs"
  | "Diagnose 2: inspect circuit thresholds/cooldown values"
  | "Diagnose 3: confirm provider auth/availability for candidate models"
  | "Recover 1: reorder agent.<name>.models to healthier candidates"
  | "Recover 2: reduce cooldown or increase chain breadth"
  | "Recover 3: keep fallback.audit_log=true until stable";

/** The rules, each a named runbook action. */
export type ActionId =
  | "reorder-chain"
  | "reduce-cooldown"
  | "lengthen-cooldown"
  | "widen-chain"
  | "check-credentials"
  | "raise-retry-after-cap"
  | "raise-max-retries"
  | "keep-audit-log";

/** A config edit an action proposes. `current` comes from `--config`, or from the log when none was given. */
export interface ConfigChange {
  readonly path: string;
  readonly current: unknown;
  readonly suggested: unknown;
  /** `config`: read from the given opencode.json; `log`: inferred from the audit log; `default`: SPEC §2. */
  readonly currentFrom: "config" | "log" | "default";
}

/** A runbook action that fired: what to do, why (threshold and evidence), and the config edit. */
export interface SuggestedAction {
  readonly id: ActionId;
  readonly step: RunbookStep;
  /** One imperative sentence. */
  readonly title: string;
  readonly model: string | null;
  readonly agent: string | null;
  /** The rule that fired, with its numbers. */
  readonly threshold: string;
  /** Sentences with counts and line numbers. */
  readonly evidence: readonly string[];
  readonly changes: readonly ConfigChange[];
}

/** A rule that was checked, and how many actions it gave. */
export interface RuleOutcome {
  readonly id: ActionId;
  readonly step: RunbookStep;
  readonly threshold: string;
  readonly fired: number;
}

/** The findings before the actions are drawn from them. */
export type TriageAnalysis = Omit<TriageFindings, "actions" | "rules">;
