import type { OracleConfig, OracleSettings } from "../oracle/config-types.ts";
import type { OracleAction, OracleErrorType, OracleReason } from "../oracle/action-table.ts";
import type { BreakerOracle } from "../oracle/breaker-oracle.ts";
import type { OracleTransition } from "../oracle/breaker-table.ts";
import type { PromotionOracle } from "../oracle/chain-oracle.ts";
import type { RuleId } from "./rules.ts";
import type { ContextRing } from "./violation-collector.ts";

/** The walk a request is on (SPEC §6): its chain, or one of the `on_all_open` continuations. */
export type WalkKind = "chain" | "single" | "fail_fast" | "probe" | "bypass";

/** An attempt waiting for its outcome. */
export interface PendingAttempt {
  readonly model: string;
  readonly attempt: number;
  readonly modelAttempt: number;
  readonly line: number;
  readonly ts: number;
  /** The half-open period of the probe permit it holds, or null for an ordinary permit. */
  readonly probeEpoch: number | null;
  /** A half_open → closed line for this attempt's success was already read. */
  successRecorded: boolean;
}

/** The last failure of a request, kept to judge what follows it. */
export interface LastFailure {
  readonly model: string;
  readonly reason: OracleReason;
  readonly type: OracleErrorType;
  readonly action: OracleAction;
  readonly line: number;
  /** `fail` explained only by the deadline cutting the attempt. */
  readonly deadlineCut: boolean;
  /** `fallback` instead of a retry because the wait could pass the deadline. */
  readonly deadlineLimited: boolean;
}

/** Everything the checker holds for one open request; dropped at its terminal line. */
export interface RequestState {
  readonly id: string;
  readonly agent: string;
  readonly settings: OracleSettings;
  readonly startLine: number;
  readonly startTs: number;
  readonly chain: readonly string[];
  readonly primary: string;
  /** The request line, shortened, for context when the request is reported at the end of the log. */
  readonly startText: string;
  readonly history: ContextRing;
  /** Attempts logged so far. */
  attempts: number;
  walk: WalkKind;
  /** Attempts made before the current walk began (an `on_all_open` walk starts after the chain walk). */
  walkStartAttempts: number;
  /** Chain index of the model the walk is on; −1 before its first model. */
  pos: number;
  /** Models skipped for an open or busy circuit in the first walk; null until the first (most requests skip none). */
  openSkips: string[] | null;
  /**
   * The one forced permit of a `probe_soonest` walk (SPEC §6: "one half-open probe"): the line it was read
   * on (the open → half_open transition, or the attempt when none came before it) and its model.
   */
  forcedProbe: { readonly line: number; readonly model: string } | null;
  current: { model: string; modelAttempt: number; compactionRetries: number } | null;
  pending: PendingAttempt | null;
  /** An open → half_open line was read; the next line must be the attempt it permits. */
  permitted: { readonly model: string; readonly probeEpoch: number | null; readonly line: number } | null;
  /** Transitions the oracle made at the last failure, which the next lines of the request must show. */
  expectTransitions: { readonly model: string; readonly transitions: OracleTransition[] } | null;
  lastFailure: LastFailure | null;
  /** The action of the last failure, until the next attempt follows it. */
  lastAction: OracleAction | null;
  /** Earliest time the next attempt may start (a retry's announced wait). */
  notBefore: number | null;
  compacted: boolean;
  /** The last attempt never got an outcome (already reported); the next one is judged leniently. */
  outcomeUnknown: boolean;
  promoted: { readonly line: number; readonly model: string } | null;
  /**
   * Bounds already reported for this request, which would otherwise repeat on every later line:
   * deadline-exceeded and attempts-over-bound. Plain flags, not a set per request.
   */
  deadlineReported: boolean;
  boundReported: boolean;
}

/** Whether the oracle's breaker judges this request's permits and outcomes right now. */
export function usesBreakers(request: RequestState): boolean {
  return (
    request.settings.enabled &&
    request.settings.circuit_breaker.enabled &&
    request.walk !== "bypass" &&
    request.walk !== "single"
  );
}

/** The most attempts SPEC §6 allows a request: len(chain)·(1+max_retries) + 1 compaction retry. */
export function attemptBound(request: RequestState): number {
  return request.settings.enabled ? request.chain.length * (1 + request.settings.max_retries) + 1 : 1;
}

/** What the event handlers share. */
export interface CheckContext {
  readonly breakers: BreakerOracle;
  readonly promotions: PromotionOracle;
  readonly config: OracleConfig | undefined;
  readonly toleranceMs: number;
  settingsOf(agent: string): OracleSettings;
  /** Records a violation at the current line, with the request's and the model's recent lines as context. */
  report(rule: RuleId, message: string, request: RequestState | null, model: string | null): void;
}

/** The line being checked. */
export interface LineRef {
  readonly line: number;
  readonly ts: number;
}
