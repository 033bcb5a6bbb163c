import { rowOf } from "../oracle/action-table.ts";
import type { AuditLine } from "../oracle/audit-schema.ts";
import { judgeAction } from "../oracle/expected-action.ts";
import { usesBreakers, type CheckContext, type LineRef, type RequestState } from "./request-state.ts";

type FailureLine = Extract<AuditLine, { event: "fallback_failure" }>;
type SuccessLine = Extract<AuditLine, { event: "fallback_success" }>;

function matchesPending(ctx: CheckContext, request: RequestState, line: FailureLine | SuccessLine): boolean {
  const pending = request.pending;
  if (pending === null) {
    ctx.report(
      "outcome-without-attempt",
      `${line.event} for attempt ${line.attempt} on ${line.model}, but no attempt is waiting for an outcome`,
      request,
      line.model,
    );
    return false;
  }
  const modelAttempt = line.event === "fallback_failure" ? line.model_attempt : pending.modelAttempt;
  if (
    pending.model !== line.model ||
    pending.attempt !== line.attempt ||
    pending.modelAttempt !== modelAttempt
  ) {
    ctx.report(
      "outcome-mismatch",
      `${line.event} names ${line.model} attempt ${line.attempt}${line.event === "fallback_failure" ? `/${line.model_attempt}` : ""}, but the attempt at line ${pending.line} was ${pending.model} attempt ${pending.attempt}/${pending.modelAttempt}`,
      request,
      line.model,
    );
  }
  return true;
}

/** `fallback_failure`: answers its attempt, carries the type of its reason and the action SPEC §3–§4 give. */
export function onFailure(ctx: CheckContext, request: RequestState, line: FailureLine, at: LineRef): void {
  if (!matchesPending(ctx, request, line)) return;
  const pending = request.pending;
  request.pending = null;
  const { settings } = request;
  const reason = line.reason;
  const row = rowOf(reason);
  if (line.error_type !== row.type) {
    ctx.report(
      "error-type-mismatch",
      `error_type ${line.error_type} for reason ${line.reason}, whose type is ${row.type} (SPEC §3)`,
      request,
      line.model,
    );
  }
  const judgement = judgeAction({
    reason,
    settings,
    modelAttempt: line.model_attempt,
    compactionRetries: request.current?.model === line.model ? request.current.compactionRetries : 0,
    compacted: request.compacted,
    retryAfterMs: line.retry_after_ms,
    elapsedMs: at.ts - request.startTs,
  });
  const overCap = line.retry_after_ms !== null && line.retry_after_ms > settings.retry_after_cap_ms;
  if (line.action === "compact" && request.compacted) {
    ctx.report(
      "compact-repeated",
      `a second compact in this request; compaction happens at most once per request (SPEC §4), then ${reason} falls back`,
      request,
      line.model,
    );
  } else if (line.action === "retry" && overCap) {
    ctx.report(
      "retry-after-over-cap",
      `retry for a Retry-After of ${line.retry_after_ms} ms, above retry_after_cap_ms ${settings.retry_after_cap_ms}; it must not be waited for (quota_exhausted, SPEC §4)`,
      request,
      line.model,
    );
  } else if (!judgement.allowed.includes(line.action)) {
    ctx.report(
      "action-mismatch",
      `action ${line.action} for ${reason} at model_attempt ${line.model_attempt}; expected ${judgement.why}`,
      request,
      line.model,
    );
  }
  if (line.action === "retry" && line.delay_ms === null) {
    ctx.report(
      "delay-mismatch",
      "delay_ms is null for a retry; a retry announces its wait",
      request,
      line.model,
    );
  } else if (line.action !== "retry" && line.delay_ms !== null) {
    ctx.report(
      "delay-mismatch",
      `delay_ms is ${line.delay_ms} for action ${line.action}; only a retry waits`,
      request,
      line.model,
    );
  }
  if (line.action === "retry" && line.delay_ms !== null) {
    const delay = line.delay_ms;
    if (line.retry_after_ms !== null && delay < line.retry_after_ms) {
      ctx.report(
        "retry-after-ignored",
        `the retry waits ${delay} ms, less than the provider's Retry-After of ${line.retry_after_ms} ms`,
        request,
        line.model,
      );
    } else if (judgement.bounds !== null && (delay < judgement.bounds.min || delay > judgement.bounds.max)) {
      ctx.report(
        "backoff-out-of-bounds",
        `delay_ms ${delay} for retry ${judgement.retryNumber ?? "?"} of ${reason} is outside ${judgement.bounds.min}–${judgement.bounds.max} ms (max(backoff ± jitter, retry_after_ms), SPEC §4)`,
        request,
        line.model,
      );
    }
    const deadlineAt = request.startTs + settings.deadline_ms;
    if (at.ts + delay > deadlineAt + ctx.toleranceMs) {
      ctx.report(
        "wait-past-deadline",
        `the retry's wait of ${delay} ms ends ${at.ts + delay - deadlineAt} ms after the request's deadline; such a wait is not taken (SPEC §4)`,
        request,
        line.model,
      );
    }
    request.notBefore = at.ts + delay;
  }
  if (line.action === "compact") request.compacted = true;
  request.lastAction = line.action;
  request.lastFailure = {
    model: line.model,
    reason,
    type: row.type,
    action: line.action,
    line: at.line,
    deadlineCut: line.action === "fail" && judgement.deadlineCut,
    deadlineLimited: line.action === "fallback" && judgement.deadlineFallback,
  };
  ctx.promotions.demote(request.agent, line.model);
  if (!usesBreakers(request) || pending === null) return;
  const settingsCb = settings.circuit_breaker;
  const effect = row.effect;
  // SPEC §4: a quota trip cools down for max(cooldown_ms, Retry-After).
  const cooldownMs = reason === "quota_exhausted" && line.retry_after_ms !== null ? line.retry_after_ms : 0;
  const step =
    effect === "none"
      ? ctx.breakers.apply(line.model, { kind: "neutral", probeEpoch: pending.probeEpoch }, at.ts, settingsCb)
      : ctx.breakers.apply(
          line.model,
          { kind: effect, probeEpoch: pending.probeEpoch, reason, cooldownMs },
          at.ts,
          settingsCb,
        );
  if (step.transitions.length > 0)
    request.expectTransitions = { model: line.model, transitions: [...step.transitions] };
}

/** `fallback_success`: answers its attempt, `fallback` says whether chain[0] served, the breaker records it. */
export function onSuccess(ctx: CheckContext, request: RequestState, line: SuccessLine, at: LineRef): void {
  const promoted = request.promoted;
  request.promoted = null;
  if (promoted !== null && (promoted.model !== line.model || !line.fallback)) {
    ctx.report(
      "promotion-misplaced",
      `fallback_promoted for ${promoted.model} (line ${promoted.line}) belongs right before a fallback_success of that model with fallback: true`,
      request,
      promoted.model,
    );
  }
  const answered = matchesPending(ctx, request, line);
  const pending = request.pending;
  request.pending = null;
  const isFallback = line.model !== request.chain[0];
  if (line.fallback !== isFallback) {
    ctx.report(
      "success-flag-mismatch",
      `fallback is ${line.fallback}, but ${line.model} ${isFallback ? "is not" : "is"} the chain's head ${request.chain[0] ?? "?"}`,
      request,
      line.model,
    );
  }
  if (!answered || pending === null || !usesBreakers(request) || pending.successRecorded) return;
  const step = ctx.breakers.apply(
    line.model,
    { kind: "success", probeEpoch: pending.probeEpoch },
    at.ts,
    request.settings.circuit_breaker,
  );
  const transition = step.transitions[0];
  if (transition !== undefined) {
    ctx.report(
      "breaker-transition-missing",
      `this success closes ${line.model} (${transition.from} → ${transition.to}, probe_success), but no circuit_transition comes right before it`,
      request,
      line.model,
    );
  }
}
