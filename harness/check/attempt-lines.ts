import type { AuditLine } from "../oracle/audit-schema.ts";
import { claimForcedProbe, judgeSkip, releaseProbe } from "./breaker-lines.ts";
import {
  attemptBound,
  usesBreakers,
  type CheckContext,
  type LineRef,
  type RequestState,
} from "./request-state.ts";

type AttemptLine = Extract<AuditLine, { event: "fallback_attempt" }>;
type SkipLine = Extract<AuditLine, { event: "fallback_model_skipped" }>;

/**
 * SPEC §6: the walk asks every chain model in turn; one it does not try is written as skipped. Jumping from
 * position `pos` to `index` over models with no line for them hides a decision the log must show.
 */
function checkNothingPassed(ctx: CheckContext, request: RequestState, index: number, model: string): void {
  // Nearly every attempt passes nothing: no list is made for it.
  if ((request.walk !== "chain" && request.walk !== "bypass") || index <= request.pos + 1) return;
  const passed = request.chain.slice(request.pos + 1, index);
  ctx.report(
    "model-passed-silently",
    `the walk reaches ${model} having passed ${passed.join(", ")} with neither an attempt nor a fallback_model_skipped line`,
    request,
    model,
  );
}

/** Reports an attempt still waiting for its outcome when `what` came, and frees its probe slot. */
export function closeUnanswered(ctx: CheckContext, request: RequestState, what: string, at: LineRef): void {
  const pending = request.pending;
  if (pending === null) return;
  request.pending = null;
  // Its outcome is unknown, so the next attempt on the same model may be its retry.
  request.outcomeUnknown = true;
  releaseProbe(ctx, request, pending.model, pending.probeEpoch, at);
  ctx.report(
    "attempt-unanswered",
    `attempt ${pending.attempt} on ${pending.model} (line ${pending.line}) got no success or failure before this ${what}`,
    request,
    pending.model,
  );
}

/** SPEC §6: every model skipped for an open circuit; the request continues as `on_all_open` says. */
function enterAllOpen(request: RequestState): void {
  const policy = request.settings.on_all_open;
  switch (policy) {
    case "fail_fast":
      request.walk = "fail_fast";
      break;
    case "bypass":
      request.walk = "bypass";
      break;
    case "probe_soonest":
      // Which model to probe is judged when the probe is forced, not here (claimForcedProbe).
      request.walk = "probe";
      request.forcedProbe = null;
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
    ctx.report(
      "action-not-followed",
      `${line.model} skipped after action fail; a fail ends the request`,
      request,
      line.model,
    );
  } else if ((last === "retry" || last === "compact") && !currentDenied) {
    ctx.report(
      "action-not-followed",
      `${line.model} skipped after action ${last} on ${request.current?.model ?? "?"}; a ${last} tries the same model again (SPEC §4)`,
      request,
      line.model,
    );
  }
  if (
    request.notBefore !== null &&
    at.ts + ctx.toleranceMs < request.notBefore &&
    line.reason !== "deadline"
  ) {
    ctx.report(
      "wait-too-short",
      `the model is asked again at ${new Date(at.ts).toISOString()}, before the retry's wait ended at ${new Date(request.notBefore).toISOString()}`,
      request,
      line.model,
    );
  }
  request.notBefore = null;
  const index = request.chain.indexOf(line.model);
  const mayRepeat = line.reason === "deadline" || currentDenied;
  if (index < 0) {
    ctx.report(
      "model-not-in-chain",
      `${line.model} is skipped but is not in the request's chain [${request.chain.join(", ")}]`,
      request,
      line.model,
    );
  } else if (mayRepeat ? index < request.pos : index <= request.pos) {
    ctx.report(
      "chain-order",
      `${line.model} (chain position ${index + 1}) is skipped after the walk reached position ${request.pos + 1}`,
      request,
      line.model,
    );
  } else {
    checkNothingPassed(ctx, request, index, line.model);
  }
  if (index >= 0) request.pos = Math.max(request.pos, index);
  if (last !== "fail") request.lastAction = null;
  judgeSkip(ctx, request, line, at);
  if (request.walk === "chain" && (line.reason === "circuit_open" || line.reason === "half_open_busy")) {
    const skips = (request.openSkips ??= []);
    if (!skips.includes(line.model)) skips.push(line.model);
    // SPEC §6: every chain model skipped for an open or busy circuit and none could be tried at all (a model
    // that failed and then opened makes the chain exhausted, not all-open; docs/decisions.md).
    if (
      request.attempts === request.walkStartAttempts &&
      request.chain.every((model) => skips.includes(model))
    )
      enterAllOpen(request);
  }
}

function checkWalk(
  ctx: CheckContext,
  request: RequestState,
  line: AttemptLine,
  at: LineRef,
  continuation: boolean,
): void {
  switch (request.walk) {
    case "chain":
    case "bypass":
      return;
    case "single":
      if (line.model !== request.primary) {
        ctx.report(
          "chain-order",
          `fallback.enabled is false, so the only attempt is on the primary ${request.primary}, not ${line.model}`,
          request,
          line.model,
        );
      }
      return;
    case "fail_fast":
      ctx.report(
        "all-open-policy",
        `every model was skipped and on_all_open is fail_fast, so the request must end with all_open instead of trying ${line.model}`,
        request,
        line.model,
      );
      return;
    case "probe": {
      if (continuation) return;
      const forced = request.forcedProbe;
      // No open → half_open came first: this attempt is the forced probe itself.
      if (forced === null) return claimForcedProbe(ctx, request, line.model, at, "probes");
      if (request.permitted !== null && request.permitted.line === forced.line) return;
      ctx.report(
        "all-open-policy",
        `on_all_open probe_soonest makes one half-open probe (on ${forced.model}, line ${forced.line}); the request ends after it and does not try ${line.model}`,
        request,
        line.model,
      );
      return;
    }
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
  // Forced only when this attempt is the probe_soonest probe itself (claimed at this very line).
  const force = request.walk === "probe" && request.forcedProbe?.line === at.line;
  const settings = request.settings.circuit_breaker;
  const step = ctx.breakers.preview(model, { kind: "permit", force }, at.ts, settings);
  const permit = step.permit;
  if (permit !== undefined && !permit.granted) {
    if (permit.reason === "circuit_open") {
      const circuit = ctx.breakers.circuitOf(model);
      const until = circuit.kind === "open" ? new Date(circuit.cooldownUntil).toISOString() : "?";
      ctx.report(
        "attempt-on-open-circuit",
        `attempt on ${model}, whose circuit the oracle holds open until ${until}`,
        request,
        model,
      );
    } else {
      ctx.report(
        "half-open-probes-exceeded",
        `attempt on ${model} while its half-open circuit already has ${settings.half_open_probes} probe(s) in flight (half_open_probes)`,
        request,
        model,
      );
    }
    return null;
  }
  const applied = ctx.breakers.apply(model, { kind: "permit", force }, at.ts, settings);
  const transition = step.transitions[0];
  if (transition !== undefined) {
    ctx.report(
      "breaker-transition-missing",
      `the permission for this attempt moves ${model} ${transition.from} → ${transition.to} (${transition.cause}), but no circuit_transition comes right before it`,
      request,
      model,
    );
  }
  return applied.permit?.granted === true ? applied.permit.probeEpoch : null;
}

/** `fallback_attempt`: numbered 1..n, in chain order, following the last action, on a model the breaker allows. */
export function onAttempt(ctx: CheckContext, request: RequestState, line: AttemptLine, at: LineRef): void {
  closeUnanswered(ctx, request, "attempt", at);
  const last = request.lastAction;
  if (last === "fail")
    ctx.report(
      "action-not-followed",
      `attempt ${line.attempt} after action fail; a fail ends the request`,
      request,
      line.model,
    );
  request.attempts += 1;
  if (line.attempt !== request.attempts) {
    ctx.report(
      "attempt-number",
      `attempt ${line.attempt} where attempt ${request.attempts} was due (attempts run 1..n per request)`,
      request,
      line.model,
    );
  }
  const bound = attemptBound(request);
  if (request.attempts > bound && !request.boundReported) {
    request.boundReported = true;
    ctx.report(
      "attempts-over-bound",
      `attempt ${request.attempts} passes the bound of ${bound} (len(chain)·(1+max_retries)+1, SPEC §6)`,
      request,
      line.model,
    );
  }
  if (request.notBefore !== null && at.ts + ctx.toleranceMs < request.notBefore) {
    ctx.report(
      "wait-too-short",
      `the attempt starts at ${new Date(at.ts).toISOString()}, before the retry's wait ended at ${new Date(request.notBefore).toISOString()}`,
      request,
      line.model,
    );
  }
  request.notBefore = null;

  const current = request.current;
  const unknown = request.outcomeUnknown;
  request.outcomeUnknown = false;
  const continuation =
    current !== null && current.model === line.model && (last === "retry" || last === "compact" || unknown);
  if ((last === "retry" || last === "compact") && !continuation) {
    ctx.report(
      "action-not-followed",
      `attempt on ${line.model} after action ${last} on ${current?.model ?? "?"}; a ${last} tries the same model again (SPEC §4)`,
      request,
      line.model,
    );
  }
  checkWalk(ctx, request, line, at, continuation);
  const index = request.chain.indexOf(line.model);
  if (index < 0) {
    ctx.report(
      "model-not-in-chain",
      `attempt on ${line.model}, which is not in the request's chain [${request.chain.join(", ")}]`,
      request,
      line.model,
    );
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
  } else if (!continuation) {
    checkNothingPassed(ctx, request, index, line.model);
  }
  const expectedModelAttempt = continuation ? current.modelAttempt + 1 : 1;
  if (line.model_attempt !== expectedModelAttempt) {
    ctx.report(
      "model-attempt-number",
      `model_attempt ${line.model_attempt} on ${line.model} where ${expectedModelAttempt} was due`,
      request,
      line.model,
    );
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
  request.pending = {
    model: line.model,
    attempt: line.attempt,
    modelAttempt: line.model_attempt,
    line: at.line,
    ts: at.ts,
    probeEpoch,
    successRecorded: false,
  };
}
