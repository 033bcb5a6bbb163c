import type { ModelId } from "../../src/core/model-id.ts";
import {
  ORACLE_ACTIONS,
  ORACLE_ERROR_TYPES,
  ORACLE_REASONS,
  rowOf,
  type OracleReason,
} from "../oracle/action-table.ts";
import { ORACLE_AUDIT_SCHEMAS, type AuditEventName, type AuditLine } from "../oracle/audit-schema.ts";
import { deriveReason, errorTypeOf, reasonForStatus } from "./derive-reason.ts";
import type { FieldReader } from "./field-reader.ts";
import { toAuditTime } from "./incident-time.ts";
import { FIELD_ALIASES as F } from "./opencode-format.ts";
import { answersOpenAttempt, type RequestView } from "./request-view.ts";

/** The fields read before the line's request was known. */
export interface LineBasics {
  readonly event: AuditEventName;
  readonly seq: number;
  readonly tsMs: number;
  readonly requestId: string;
  readonly agent: string;
  /** The attempt number the source gave (outcomes and attempts only). */
  readonly attempt: number | undefined;
}

/** A built line, or a `fallback_request` without a chain, which waits until the request's models are known. */
export type BuiltLine =
  | { readonly kind: "line"; readonly audit: AuditLine }
  | { readonly kind: "head"; readonly primary: ModelId | undefined };

type Body = Record<string, unknown>;
type Draft =
  | { readonly kind: "body"; readonly body: Body }
  | { readonly kind: "head"; readonly primary: ModelId | undefined };

function drafted(body: Body | undefined): Draft | undefined {
  return body === undefined ? undefined : { kind: "body", body };
}

const SKIP_REASONS = ["circuit_open", "half_open_busy", "invalid", "deadline"] as const;
const STATES = ["closed", "open", "half_open"] as const;
const CAUSES = ["cooldown_elapsed", "probe_forced", "probe_success", ...ORACLE_REASONS] as const;
const EXHAUSTED_REASONS = ["deadline", "all_open", ...ORACLE_REASONS] as const;

function requireModel(fields: FieldReader): string | undefined {
  const model = fields.model();
  if (model === undefined && !fields.failed)
    fields.required(
      "$.model",
      "a model id provider/model (or providerID and modelID)",
      "the line names no model",
    );
  return model;
}

/** `attempt`: given, else the open attempt's (for an outcome of the same model), else one more than so far. */
function attemptOf(basics: LineBasics, view: RequestView, model: string): number {
  if (basics.attempt !== undefined) return basics.attempt;
  if (basics.event !== "fallback_attempt" && view.openAttempt?.model === model)
    return view.openAttempt.attempt;
  return view.attempts + 1;
}

function latencyOf(
  fields: FieldReader,
  basics: LineBasics,
  view: RequestView,
  model: string,
  attempt: number,
): number {
  const given = fields.count("latency_ms", F.latency);
  if (typeof given === "number") return given;
  if (answersOpenAttempt(view, model, attempt))
    return Math.max(0, basics.tsMs - (view.openAttempt?.tsMs ?? basics.tsMs));
  fields.guessed(
    "$.latency_ms",
    "milliseconds the attempt took",
    "the outcome has no latency and no attempt line to measure it from; 0 is assumed",
  );
  return 0;
}

function attemptBody(fields: FieldReader, basics: LineBasics, view: RequestView): Body | undefined {
  const model = requireModel(fields);
  const modelAttempt = fields.positiveInt("model_attempt", F.modelAttempt);
  if (model === undefined) return undefined;
  return {
    model,
    attempt: attemptOf(basics, view, model),
    model_attempt: modelAttempt ?? view.modelAttempts(model) + 1,
  };
}

function failureBody(fields: FieldReader, basics: LineBasics, view: RequestView): Body | undefined {
  const model = requireModel(fields);
  const givenModelAttempt = fields.positiveInt("model_attempt", F.modelAttempt);
  const givenType = fields.oneOf("error_type", F.errorType, ORACLE_ERROR_TYPES);
  const givenReason = fields.oneOf("reason", F.reason, ORACLE_REASONS);
  const status = fields.httpStatus("status", F.status);
  const givenAction = fields.oneOf("action", F.action, ORACLE_ACTIONS);
  const retryAfter = fields.nullableCount("retry_after_ms", F.retryAfter);
  const delay = fields.nullableCount("delay_ms", F.delay);
  if (model === undefined || fields.failed) return undefined;
  const attempt = attemptOf(basics, view, model);
  const modelAttempt =
    givenModelAttempt ??
    (answersOpenAttempt(view, model, attempt) ? view.openAttempt?.modelAttempt : undefined) ??
    view.modelAttempts(model) + 1;
  const knownReason = givenReason ?? reasonForStatus(status);
  const errorType = givenType ?? (knownReason === undefined ? undefined : errorTypeOf(knownReason));
  let reason: OracleReason;
  let type = errorType;
  if (givenReason !== undefined) reason = givenReason;
  else if (errorType !== undefined) reason = deriveReason(errorType, status, givenAction);
  else {
    fields.guessed(
      "$.error_type",
      "an error type of SPEC §3",
      "the failure names no error type, reason or HTTP status; LogicError/unknown is assumed",
    );
    reason = "unknown";
    type = "LogicError";
  }
  let action = givenAction;
  if (action === undefined) {
    action = rowOf(reason).action;
    fields.guessed(
      "$.action",
      "retry, fallback, compact or fail",
      `the failure names no action; ${reason}'s SPEC §3 default "${action}" is assumed`,
    );
  }
  return {
    model,
    attempt,
    model_attempt: modelAttempt,
    error_type: type ?? errorTypeOf(reason),
    reason,
    status: status ?? null,
    retry_after_ms: retryAfter ?? null,
    action,
    delay_ms: delay ?? null,
    latency_ms: latencyOf(fields, basics, view, model, attempt),
  };
}

function successBody(fields: FieldReader, basics: LineBasics, view: RequestView): Body | undefined {
  const model = requireModel(fields);
  const fallback = fields.boolean("fallback", F.fallback);
  if (model === undefined || fields.failed) return undefined;
  const attempt = attemptOf(basics, view, model);
  return {
    model,
    attempt,
    latency_ms: latencyOf(fields, basics, view, model, attempt),
    fallback: fallback ?? model !== (view.firstModel ?? model),
  };
}

function skippedBody(fields: FieldReader): Body | undefined {
  const model = requireModel(fields);
  let reason = fields.oneOf("reason", F.reason, SKIP_REASONS);
  if (model === undefined || fields.failed) return undefined;
  if (reason === undefined) {
    reason = "circuit_open";
    fields.guessed("$.reason", SKIP_REASONS.join(", "), "the skip names no reason; circuit_open is assumed");
  }
  return { model, reason };
}

function transitionBody(fields: FieldReader, view: RequestView): Body | undefined {
  const model = requireModel(fields);
  const from = fields.oneOf("from", F.from, STATES);
  const to = fields.oneOf("to", F.to, STATES);
  let failures = fields.count("failures", F.failures);
  const cooldownUntil = fields.time("cooldown_until", F.cooldownUntil, true);
  let cause = fields.oneOf("cause", F.cause, CAUSES);
  if (from === undefined && !fields.failed)
    fields.required("$.from", STATES.join(", "), "the circuit transition has no from state");
  if (to === undefined && !fields.failed)
    fields.required("$.to", STATES.join(", "), "the circuit transition has no to state");
  if (model === undefined || from === undefined || to === undefined || fields.failed) return undefined;
  if (typeof failures !== "number") {
    failures = 0;
    fields.guessed(
      "$.failures",
      "a non-negative integer",
      "the circuit transition has no failure count; 0 is assumed",
    );
  }
  if (cause === undefined) {
    if (from === "open" && to === "half_open") cause = "cooldown_elapsed";
    else if (from === "half_open" && to === "closed") cause = "probe_success";
    else if (view.lastFailure !== null) cause = view.lastFailure.reason;
    else {
      cause = "unknown";
      fields.guessed(
        "$.cause",
        "the failure reason that moved the circuit",
        "the circuit transition has no cause and the request no failure; unknown is assumed",
      );
    }
  }
  return {
    model,
    from,
    to,
    failures,
    cooldown_until: typeof cooldownUntil === "number" ? toAuditTime(cooldownUntil) : null,
    cause,
  };
}

function promotedBody(fields: FieldReader): Body | undefined {
  const model = requireModel(fields);
  const until = fields.time("until", F.until);
  if (until === undefined && !fields.failed)
    fields.required("$.until", "the time the promotion ends", "the promotion has no until");
  if (model === undefined || typeof until !== "number" || fields.failed) return undefined;
  return { model, until: toAuditTime(until) };
}

function exhaustedBody(fields: FieldReader, view: RequestView): Body | undefined {
  const attempts = fields.count("attempts", F.attempts);
  const givenType = fields.nullableOneOf("error_type", F.errorType, ORACLE_ERROR_TYPES);
  let reason = fields.oneOf("reason", F.reason, EXHAUSTED_REASONS);
  if (fields.failed) return undefined;
  const errorType = givenType === undefined ? (view.lastFailure?.errorType ?? null) : givenType;
  if (reason === undefined) {
    if (view.lastFailure !== null) reason = view.lastFailure.reason;
    else if (errorType !== null) reason = deriveReason(errorType, undefined, undefined);
    else if (view.attempts === 0 && view.skipped > 0) reason = "all_open";
    else {
      reason = "unknown";
      fields.guessed(
        "$.reason",
        EXHAUSTED_REASONS.join(", "),
        "the exhausted request names no reason and logged no failure; unknown is assumed",
      );
    }
  }
  return { attempts: typeof attempts === "number" ? attempts : view.attempts, error_type: errorType, reason };
}

function requestDraft(fields: FieldReader): Draft | undefined {
  const chain = fields.modelList("chain", F.chain);
  const primary = fields.modelId("primary", F.primary);
  if (fields.failed) return undefined;
  if (chain === undefined) return { kind: "head", primary };
  return drafted({ chain, primary: primary ?? chain[0] });
}

function draftOf(fields: FieldReader, basics: LineBasics, view: RequestView): Draft | undefined {
  switch (basics.event) {
    case "fallback_request":
      return requestDraft(fields);
    case "fallback_attempt":
      return drafted(attemptBody(fields, basics, view));
    case "fallback_failure":
      return drafted(failureBody(fields, basics, view));
    case "fallback_success":
      return drafted(successBody(fields, basics, view));
    case "fallback_model_skipped":
      return drafted(skippedBody(fields));
    case "circuit_transition":
      return drafted(transitionBody(fields, view));
    case "fallback_promoted":
      return drafted(promotedBody(fields));
    case "fallback_exhausted":
      return drafted(exhaustedBody(fields, view));
    default: {
      const never: never = basics.event;
      throw new Error(`unhandled event ${String(never)}`);
    }
  }
}

/**
 * A full SPEC §8 line from the fields a source line carried, the request's state before it, and the
 * derivations of opencode-format.ts. Undefined when the line cannot be used (the reasons are in
 * `fields.problems`). The result is checked against the oracle's schema, so consumers get lines that
 * `parseAuditLine` accepts (its `seq` is replaced when the line is committed).
 */
export function buildAuditLine(
  fields: FieldReader,
  basics: LineBasics,
  view: RequestView,
): BuiltLine | undefined {
  const draft = draftOf(fields, basics, view);
  if (draft === undefined || fields.failed) return undefined;
  if (draft.kind === "head") return draft;
  const candidate = {
    v: 1,
    seq: basics.seq,
    ts: toAuditTime(basics.tsMs),
    event: basics.event,
    request_id: basics.requestId,
    agent: basics.agent,
    ...draft.body,
  };
  const parsed = ORACLE_AUDIT_SCHEMAS[basics.event].safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue === undefined ? "$" : ["$", ...issue.path.map(String)].join(".");
    fields.required(
      path,
      "a value SPEC §8 allows",
      `the line does not fit SPEC §8 after normalising: ${issue?.message ?? "invalid"}`,
    );
    return undefined;
  }
  return { kind: "line", audit: parsed.data };
}
