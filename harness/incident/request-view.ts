import type { OracleErrorType, OracleReason } from "../oracle/action-table.ts";

/** An attempt line still waiting for its outcome. */
export interface OpenAttempt {
  readonly model: string;
  readonly attempt: number;
  readonly modelAttempt: number;
  readonly tsMs: number;
}

/** What a request has shown so far, as the derivations of its next line need it. */
export interface RequestView {
  /** The highest attempt number so far. */
  readonly attempts: number;
  /** Attempts so far on a model (its highest `model_attempt`). */
  modelAttempts(model: string): number;
  readonly openAttempt: OpenAttempt | null;
  /** chain[0] when the chain was logged, else the first model the request used; undefined before any. */
  readonly firstModel: string | undefined;
  readonly lastFailure: { readonly errorType: OracleErrorType; readonly reason: OracleReason } | null;
  /** `fallback_model_skipped` lines so far. */
  readonly skipped: number;
  /** The agent of the request's first line; a later line without one inherits it. */
  readonly agent: string | undefined;
}

/** The view of a request that has no line yet. */
export const EMPTY_REQUEST: RequestView = {
  attempts: 0,
  modelAttempts: () => 0,
  openAttempt: null,
  firstModel: undefined,
  lastFailure: null,
  skipped: 0,
  agent: undefined,
};

/** True when an outcome for `model` and `attempt` answers the open attempt. */
export function answersOpenAttempt(view: RequestView, model: string, attempt: number): boolean {
  return view.openAttempt?.model === model && view.openAttempt.attempt === attempt;
}
