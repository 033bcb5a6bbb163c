import { rowOf } from "../oracle/action-table.ts";
import type { AuditLine } from "../oracle/audit-schema.ts";
import { judgeAction } from "../oracle/expected-action.ts";
import { judgeSkip, releaseProbe } from "./breaker-lines.ts";
import { attemptBound, usesBreakers, type CheckContext, type LineRef, type RequestState } from "./request-state.ts";

type AttemptLine = Extract<AuditLine, { event: "fallback_attempt" }>;
type FailureLine = Extract<AuditLine, { event: "fallback_failure" }>;
type SuccessLine = Extract<AuditLine, { event: "fallback_success" }>;
type SkipLine = Extract<AuditLine, { event: "fallback_model_skipped" }>;

/** Reports an attempt still waiting for its outcome when `what` came, and frees its probe slot. */
export function closeUnanswered(ctx: CheckContext, request: RequestState, what: string, at: LineRef): void {
  const pending = request.pending;
  if (pending === null) return;
  request.pending = null;
  // Its outcome is unknown, so the next attempt on the same model may be its retry.
  request.outcomeUnknown = true;
  releaseProbe(ctx, request, pending.model, pending.probeEpoch, at);
  ctx.report("attempt-unanswered", `attempt ${pending.attempt} on ${pending.model} (line ${pending.line}) got no success or failure before this ${what}`, request, pending.model);
}

/** SPEC §6: every model skipped for an open circuit; the request continues as `on_all_open` says. */
function enterAllOpen(ctx: CheckContext, request: RequestState): void {
  const policy = request.settings.on_all_open;
  switch (policy) {
    case "fail_fast":
      request.walk = "fail_fast";
      break;
    case "bypass":
      request.walk = "bypass";
      break;
    case "probe_soonest":
      request.walk = "probe";
      request.probeCandidates = ctx.breakers.soonest(request.chain);
      break;
    default: {
      const unreachable: never = policy;
      return unreachable;
    }
  }
  request.pos = -1;
  request.current = null;
  request.walkStartAttempts = request.attempts;
}

/** `fallback_model_skipped`: in chain order, after an action that moves on, and one the oracle would make. */
export function onSkip(ctx: CheckContext, request: RequestState, line: SkipLine, at: LineRef): void {
  closeUnanswered(ctx, request, "skip", at);
  const last = request.lastAction;
  // After a retry or compact the same model asks again; the breaker (which the failure may have opened) or
  // the deadline may deny it, and then the walk moves on.
  const currentDenied = line.model === request.current?.model && (last === "retry" || last === "compact");
  if (last === "fail") {
    ctx.report("action-not-followed", `${line.model} skipped after action fail; a fail ends the request`, request, line.model);
  } else if ((last === "retry" || last === "compact") && !currentDenied) {
    ctx.report("action-not-followed", `${line.model} skipped after action ${last} on ${request.current?.model ?? "?"}; a ${last} tries the same model again (SPEC §4)`, request, line.model);
  }
  if (request.notBefore !== null && at.ts + ctx.toleranceMs < request.notBefore && line.reason !== "deadline") {
    ctx.report("wait-too-short", `the model is asked again at ${new Date(at.ts).toISOString()}, before the retry's wait ended at ${new Date(request.notBefore).toISOString()}`, request, line.model);
  }
  request.notBefore = null;
  const index = request.chain.indexOf(line.model);
  const mayRepeat = line.reason === "deadline" || currentDenied;
  if (index < 0) {
    ctx.report("model-not-in-chain", `${line.model} is skipped but is not in the request's chain [${request.chain.join(", ")}]`, request, line.model);
  } else if (mayRepeat ? index < request.pos : index <= request.pos) {
    ctx.report("chain-order", `${line.model} (chain position ${index + 1}) is skipped after the walk reached position ${request.pos + 1}`, request, line.model);
  }
  if (index >= 0) request.pos = Math.max(request.pos, index);
  if (last !== "fail") request.lastAction = null;
  judgeSkip(ctx, request, line, at);
  if (request.walk === "chain" && (line.reason === "circuit_open" || line.reason === "half_open_busy")) {
    request.openSkips.add(line.model);
    // SPEC §6 and the brief: every chain model skipped for an open or busy circuit in this request.
    if (request.chain.every((model) => request.openSkips.has(model))) enterAllOpen(ctx, request);
  }
}

function checkWalk(ctx: CheckContext, request: RequestState, line: AttemptLine, continuation: boolean): void {
  switch (request.walk) {
    case "chain":
    case "bypass":
      return;
    case "single":
      if (line.model !== request.primary) {
        ctx.report("chain-order", `fallback.enabled is false, so the only attempt is on the primary ${request.primary}, not ${line.model}`, request, line.model);
      }
      return;
    case "fail_fast":
      ctx.report("all-open-policy", `every model was skipped and on_all_open is fail_fast, so the request must end with all_open instead of trying ${line.model}`, request, line.model);
      return;
    case "probe":
      if (!continuation && !request.probeCandidates.includes(line.model)) {
        const which = request.probeCandidates.length === 0 ? "none is open" : request.probeCandidates.join(" or ");
        ctx.report("all-open-policy", `on_all_open probe_soonest probes the model whose cooldown ends first (${which}), not ${line.model}`, request, line.model);
      }
      return;
    default: {
      const unreachable: never = request.walk;
      return unreachable;
    }
  }
}

/** Asks the oracle's breaker for the permit this attempt needed (SPEC §6–§7); returns the probe epoch. */
function permitFor(ctx: CheckContext, request: RequestState, model: string, at: LineRef): number | null {
  if (!usesBreakers(request)) return null;
  const permitted = request.permitted;
  if (permitted !== null && permitted.model === model) return permitted.probeEpoch;
  const force = request.walk === "probe" && request.probeCandidates.includes(model);
  const settings = request.settings.circuit_breaker;
  const step = ctx.breakers.preview(model, { kind: "permit", force }, at.ts, settings);
  const permit = step.permit;
  if (permit !== undefined && !permit.granted) {
    if (permit.reason === "circuit_open") {
      const circuit = ctx.breakers.circuitOf(model);
      const until = circuit.kind === "open" ? new Date(circuit.cooldownUntil).toISOString() : "?";
      ctx.report("attempt-on-open-circuit", `attempt on ${model}, whose circuit the oracle holds open until ${until}`, request, model);
    } else {
      ctx.report("half-open-probes-exceeded", `attempt on ${model} while its half-open circuit already has ${settings.half_open_probes} probe(s) in flight (half_open_probes)`, request, model);
    }
    return null;
  }
  const applied = ctx.breakers.apply(model, { kind: "permit", force }, at.ts, settings);
  const transition = step.transitions[0];
  if (transition !== undefined) {
    ctx.report("breaker-transition-missing", `the permission for this attempt moves ${model} ${transition.from} → ${transition.to} (${transition.cause}), but no circuit_transition comes right before it`, request, model);
  }
  return applied.permit?.granted === true ? applied.permit.probeEpoch : null;
}

/** `fallback_attempt`: numbered 1..n, in chain order, following the last action, on a model the breaker allows. */
export function onAttempt(ctx: CheckContext, request: RequestState, line: AttemptLine, at: LineRef): void {
  closeUnanswered(ctx, request, "attempt", at);
  const last = request.lastAction;
  if (last === "fail") ctx.report("action-not-followed", `attempt ${line.attempt} after action fail; a fail ends the request`, request, line.model);
  request.attempts += 1;
  if (line.attempt !== request.attempts) {
    ctx.report("attempt-number", `attempt ${line.attempt} where attempt ${request.attempts} was due (attempts run 1..n per request)`, request, line.model);
  }
  const bound = attemptBound(request);
  if (request.attempts > bound && !request.reportedOnce.has("attempts-over-bound")) {
    request.reportedOnce.add("attempts-over-bound");
    ctx.report("attempts-over-bound", `attempt ${request.attempts} passes the bound of ${bound} (len(chain)·(1+max_retries)+1, SPEC §6)`, request, line.model);
  }
  if (request.notBefore !== null && at.ts + ctx.toleranceMs < request.notBefore) {
    ctx.report("wait-too-short", `the attempt starts at ${new Date(at.ts).toISOString()}, before the retry's wait ended at ${new Date(request.notBefore).toISOString()}`, request, line.model);
  }
  request.notBefore = null;

  const current = request.current;
  const unknown = request.outcomeUnknown;
  request.outcomeUnknown = false;
  const continuation = current !== null && current.model === line.model && (last === "retry" || last === "compact" || unknown);
  if ((last === "retry" || last === "compact") && !continuation) {
    ctx.report("action-not-followed", `attempt on ${line.model} after action ${last} on ${current?.model ?? "?"}; a ${last} tries the same model again (SPEC §4)`, request, line.model);
  }
  checkWalk(ctx, request, line, continuation);
  const index = request.chain.indexOf(line.model);
  if (index < 0) {
    ctx.report("model-not-in-chain", `attempt on ${line.model}, which is not in the request's chain [${request.chain.join(", ")}]`, request, line.model);
  } else if (!continuation && index <= request.pos) {
    const at_ = request.chain[request.pos] ?? "?";
    ctx.report(
      "chain-order",
      index === request.pos
        ? `${line.model} is tried again after the walk moved past it (only retries of the current model may repeat it)`
        : `${line.model} (chain position ${index + 1}) is tried after ${at_} (position ${request.pos + 1}); attempts follow the chain order (SPEC §5)`,
      request,
      line.model,
    );
  }
  const expectedModelAttempt = continuation ? current.modelAttempt + 1 : 1;
  if (line.model_attempt !== expectedModelAttempt) {
    ctx.report("model-attempt-number", `model_attempt ${line.model_attempt} on ${line.model} where ${expectedModelAttempt} was due`, request, line.model);
  }
  request.current = {
    model: line.model,
    modelAttempt: line.model_attempt,
    compactionRetries: continuation ? current.compactionRetries + (last === "compact" ? 1 : 0) : 0,
  };
  if (index >= 0) request.pos = Math.max(request.pos, index);
  request.lastAction = null;
  const probeEpoch = permitFor(ctx, request, line.model, at);
  request.permitted = null;
  request.pending = { model: line.model, attempt: line.attempt, modelAttempt: line.model_attempt, line: at.line, ts: at.ts, probeEpoch, successRecorded: false };
}

function matchesPending(ctx: CheckContext, request: RequestState, line: FailureLine | SuccessLine): boolean {
  const pending = request.pending;
  if (pending === null) {
    ctx.report("outcome-without-attempt", `${line.event} for attempt ${line.attempt} on ${line.model}, but no attempt is waiting for an outcome`, request, line.model);
    return false;
  }
  const modelAttempt = line.event === "fallback_failure" ? line.model_attempt : pending.modelAttempt;
  if (pending.model !== line.model || pending.attempt !== line.attempt || pending.modelAttempt !== modelAttempt) {
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
    ctx.report("error-type-mismatch", `error_type ${line.error_type} for reason ${line.reason}, whose type is ${row.type} (SPEC §3)`, request, line.model);
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
    ctx.report("compact-repeated", `a second compact in this request; compaction happens at most once per request (SPEC §4), then ${reason} falls back`, request, line.model);
  } else if (line.action === "retry" && overCap) {
    ctx.report("retry-after-over-cap", `retry for a Retry-After of ${line.retry_after_ms} ms, above retry_after_cap_ms ${settings.retry_after_cap_ms}; it must not be waited for (quota_exhausted, SPEC §4)`, request, line.model);
  } else if (!judgement.allowed.includes(line.action)) {
    ctx.report("action-mismatch", `action ${line.action} for ${reason} at model_attempt ${line.model_attempt}; expected ${judgement.why}`, request, line.model);
  }
  if (line.action === "retry" && line.delay_ms === null) {
    ctx.report("delay-mismatch", "delay_ms is null for a retry; a retry announces its wait", request, line.model);
  } else if (line.action !== "retry" && line.delay_ms !== null) {
    ctx.report("delay-mismatch", `delay_ms is ${line.delay_ms} for action ${line.action}; only a retry waits`, request, line.model);
  }
  if (line.action === "retry" && line.delay_ms !== null) {
    const delay = line.delay_ms;
    if (line.retry_after_ms !== null && delay < line.retry_after_ms) {
      ctx.report("retry-after-ignored", `the retry waits ${delay} ms, less than the provider's Retry-After of ${line.retry_after_ms} ms`, request, line.model);
    } else if (judgement.bounds !== null && (delay < judgement.bounds.min || delay > judgement.bounds.max)) {
      ctx.report("backoff-out-of-bounds", `delay_ms ${delay} for retry ${judgement.retryNumber ?? "?"} of ${reason} is outside ${judgement.bounds.min}–${judgement.bounds.max} ms (max(backoff ± jitter, retry_after_ms), SPEC §4)`, request, line.model);
    }
    const deadlineAt = request.startTs + settings.deadline_ms;
    if (at.ts + delay > deadlineAt + ctx.toleranceMs) {
      ctx.report("wait-past-deadline", `the retry's wait of ${delay} ms ends ${at.ts + delay - deadlineAt} ms after the request's deadline; such a wait is not taken (SPEC §4)`, request, line.model);
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
      : ctx.breakers.apply(line.model, { kind: effect, probeEpoch: pending.probeEpoch, reason, cooldownMs }, at.ts, settingsCb);
  if (step.transitions.length > 0) request.expectTransitions = { model: line.model, transitions: [...step.transitions] };
}

/** `fallback_success`: answers its attempt, `fallback` says whether chain[0] served, the breaker records it. */
export function onSuccess(ctx: CheckContext, request: RequestState, line: SuccessLine, at: LineRef): void {
  const promoted = request.promoted;
  request.promoted = null;
  if (promoted !== null && (promoted.model !== line.model || !line.fallback)) {
    ctx.report("promotion-misplaced", `fallback_promoted for ${promoted.model} (line ${promoted.line}) belongs right before a fallback_success of that model with fallback: true`, request, promoted.model);
  }
  const answered = matchesPending(ctx, request, line);
  const pending = request.pending;
  request.pending = null;
  const isFallback = line.model !== request.chain[0];
  if (line.fallback !== isFallback) {
    ctx.report("success-flag-mismatch", `fallback is ${line.fallback}, but ${line.model} ${isFallback ? "is not" : "is"} the chain's head ${request.chain[0] ?? "?"}`, request, line.model);
  }
  if (!answered || pending === null || !usesBreakers(request) || pending.successRecorded) return;
  const step = ctx.breakers.apply(line.model, { kind: "success", probeEpoch: pending.probeEpoch }, at.ts, request.settings.circuit_breaker);
  const transition = step.transitions[0];
  if (transition !== undefined) {
    ctx.report("breaker-transition-missing", `this success closes ${line.model} (${transition.from} → ${transition.to}, probe_success), but no circuit_transition comes right before it`, request, line.model);
  }
}
