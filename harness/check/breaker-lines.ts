import type { OracleTransition } from "../oracle/breaker-table.ts";
import type { AuditLine } from "../oracle/audit-schema.ts";
import { parseIsoMillis } from "../oracle/audit-schema.ts";
import { usesBreakers, type CheckContext, type LineRef, type RequestState } from "./request-state.ts";

type TransitionLine = Extract<AuditLine, { event: "circuit_transition" }>;
type SkipLine = Extract<AuditLine, { event: "fallback_model_skipped" }>;

const LEGAL = new Set(["closed>open", "open>half_open", "half_open>closed", "half_open>open"]);

function iso(ms: number | null): string {
  return ms === null ? "null" : new Date(ms).toISOString();
}

function describe(t: OracleTransition): string {
  return `${t.from} → ${t.to} (failures ${t.failures}, cooldown_until ${iso(t.cooldownUntil)}, cause ${t.cause})`;
}

/** The fields of a logged transition that differ from the oracle's, or an empty list. */
function fieldDifferences(line: TransitionLine, expected: OracleTransition): string[] {
  const differences: string[] = [];
  if (line.failures !== expected.failures)
    differences.push(`failures ${line.failures} (oracle: ${expected.failures})`);
  const until = line.cooldown_until === null ? null : (parseIsoMillis(line.cooldown_until) ?? Number.NaN);
  if (until !== expected.cooldownUntil)
    differences.push(
      `cooldown_until ${line.cooldown_until ?? "null"} (oracle: ${iso(expected.cooldownUntil)})`,
    );
  if (line.cause !== expected.cause) differences.push(`cause ${line.cause} (oracle: ${expected.cause})`);
  return differences;
}

function compare(
  ctx: CheckContext,
  request: RequestState,
  line: TransitionLine,
  expected: OracleTransition,
): void {
  const differences = fieldDifferences(line, expected);
  if (differences.length > 0) {
    ctx.report(
      "breaker-transition-fields",
      `the ${line.from} → ${line.to} transition of ${line.model} has ${differences.join(", ")}`,
      request,
      line.model,
    );
  }
}

/** Reports transitions the oracle made that the log never showed, and forgets them. */
export function reportMissingTransitions(ctx: CheckContext, request: RequestState): void {
  const expected = request.expectTransitions;
  if (expected === null || expected.transitions.length === 0) return;
  request.expectTransitions = null;
  ctx.report(
    "breaker-transition-missing",
    `after its failure the oracle's breaker moved ${expected.model} ${expected.transitions.map(describe).join(", then ")}, but the log shows no such circuit_transition right after the failure`,
    request,
    expected.model,
  );
}

/** Gives back a probe slot the oracle granted for an attempt that never got an outcome. */
export function releaseProbe(
  ctx: CheckContext,
  request: RequestState,
  model: string,
  probeEpoch: number | null,
  at: LineRef,
): void {
  if (probeEpoch !== null && usesBreakers(request))
    ctx.breakers.apply(model, { kind: "neutral", probeEpoch }, at.ts, request.settings.circuit_breaker);
}

/**
 * A `circuit_transition` line (SPEC §7–§8): after a failure it must be the next transition the oracle made;
 * open → half_open must be a permit the oracle grants now (cooldown elapsed, or forced by `probe_soonest`)
 * and come right before its attempt; half_open → closed must be the closing probe success, before the
 * success line. Anything else is a transition the oracle does not make.
 */
export function onTransition(
  ctx: CheckContext,
  request: RequestState,
  line: TransitionLine,
  at: LineRef,
): void {
  const edge = `${line.from} → ${line.to}`;
  if (!LEGAL.has(`${line.from}>${line.to}`)) {
    request.expectTransitions = null;
    ctx.report(
      "breaker-transition-unexpected",
      `${edge} is not one of the four legal transitions of SPEC §7`,
      request,
      line.model,
    );
    return;
  }
  if (!usesBreakers(request)) {
    const why = !request.settings.enabled
      ? "fallback.enabled is false, so breakers are neither consulted nor updated"
      : !request.settings.circuit_breaker.enabled
        ? "circuit_breaker.enabled is false, so no transition is ever written"
        : "the on_all_open bypass walk neither asks nor updates the breakers";
    ctx.report("breaker-transition-unexpected", `${edge} for ${line.model}: ${why}`, request, line.model);
    return;
  }
  const queued = request.expectTransitions;
  if (queued !== null && queued.transitions.length > 0) {
    const expected = queued.transitions[0];
    if (
      expected !== undefined &&
      queued.model === line.model &&
      expected.from === line.from &&
      expected.to === line.to
    ) {
      queued.transitions.shift();
      if (queued.transitions.length === 0) request.expectTransitions = null;
      compare(ctx, request, line, expected);
      return;
    }
    reportMissingTransitions(ctx, request);
  }
  if (line.from === "open" && line.to === "half_open") {
    onHalfOpen(ctx, request, line, at);
    return;
  }
  const pending = request.pending;
  if (
    line.from === "half_open" &&
    line.to === "closed" &&
    pending !== null &&
    pending.model === line.model &&
    !pending.successRecorded
  ) {
    const step = ctx.breakers.preview(
      line.model,
      { kind: "success", probeEpoch: pending.probeEpoch },
      at.ts,
      request.settings.circuit_breaker,
    );
    const expected = step.transitions[0];
    if (expected === undefined) {
      const circuit = ctx.breakers.circuitOf(line.model);
      const why =
        circuit.kind !== "half_open"
          ? `the oracle holds ${line.model} ${circuit.kind}`
          : pending.probeEpoch === null
            ? "the attempt was not a half-open probe"
            : `success_threshold is ${request.settings.circuit_breaker.success_threshold} and this is probe success ${circuit.successes + 1}`;
      ctx.report(
        "breaker-transition-unexpected",
        `${edge} for ${line.model}, but ${why}`,
        request,
        line.model,
      );
      return;
    }
    ctx.breakers.apply(
      line.model,
      { kind: "success", probeEpoch: pending.probeEpoch },
      at.ts,
      request.settings.circuit_breaker,
    );
    pending.successRecorded = true;
    compare(ctx, request, line, expected);
    return;
  }
  const circuit = ctx.breakers.circuitOf(line.model);
  ctx.report(
    "breaker-transition-unexpected",
    `${edge} for ${line.model} at this point: the oracle holds it ${circuit.kind} and no outcome of this request calls for that transition`,
    request,
    line.model,
  );
}

/**
 * The first permit of an `on_all_open: probe_soonest` walk: the one forced half-open probe (SPEC §6), on "the
 * model whose cooldown ends first". Breaker state is shared by concurrent requests, so that is judged on the
 * oracle's circuits at this line, when the probe is forced, not at the request's skips: between the two,
 * another request may have half-opened, closed or reopened a circuit (docs/decisions.md). Records the claim,
 * so every later permit of the request is an ordinary one.
 */
export function claimForcedProbe(
  ctx: CheckContext,
  request: RequestState,
  model: string,
  at: LineRef,
  verb: "half-opens" | "probes",
): void {
  request.forcedProbe = { line: at.line, model };
  const candidates = ctx.breakers.soonest(request.chain);
  if (candidates.includes(model)) return;
  const which = candidates.length === 0 ? "none is open" : candidates.join(" or ");
  ctx.report(
    "all-open-policy",
    `on_all_open probe_soonest ${verb} the model whose cooldown ends first when it forces the probe (${which}), not ${model}`,
    request,
    model,
  );
}

function onHalfOpen(ctx: CheckContext, request: RequestState, line: TransitionLine, at: LineRef): void {
  if (request.pending !== null || request.permitted !== null) {
    ctx.report(
      "breaker-transition-unexpected",
      `open → half_open for ${line.model} while the request already holds a permit; it must come right before the attempt it permits`,
      request,
      line.model,
    );
    return;
  }
  const force = request.walk === "probe" && request.forcedProbe === null;
  if (force) claimForcedProbe(ctx, request, line.model, at, "half-opens");
  const settings = request.settings.circuit_breaker;
  const step = ctx.breakers.preview(line.model, { kind: "permit", force }, at.ts, settings);
  const expected = step.transitions[0];
  if (expected === undefined) {
    const circuit = ctx.breakers.circuitOf(line.model);
    const forced = request.forcedProbe;
    if (request.walk === "probe" && !force && forced !== null && circuit.kind === "open") {
      ctx.report(
        "all-open-policy",
        `open → half_open for ${line.model} before its cooldown ends (${iso(circuit.cooldownUntil)}), but on_all_open probe_soonest makes one half-open probe and this request already forced it at line ${forced.line}`,
        request,
        line.model,
      );
      return;
    }
    const why =
      circuit.kind === "open"
        ? `its cooldown runs until ${iso(circuit.cooldownUntil)} and no on_all_open probe_soonest forced it`
        : `the oracle holds it ${circuit.kind}`;
    ctx.report(
      "breaker-transition-unexpected",
      `open → half_open for ${line.model} at ${iso(at.ts)}, but ${why}`,
      request,
      line.model,
    );
    return;
  }
  const applied = ctx.breakers.apply(line.model, { kind: "permit", force }, at.ts, settings);
  const permit = applied.permit;
  request.permitted = {
    model: line.model,
    probeEpoch: permit?.granted === true ? permit.probeEpoch : null,
    line: at.line,
  };
  compare(ctx, request, line, expected);
}

/**
 * A `fallback_model_skipped` line: `circuit_open` and `half_open_busy` must be what the oracle's breaker
 * answers now; `deadline` needs the deadline to have passed.
 */
export function judgeSkip(ctx: CheckContext, request: RequestState, line: SkipLine, at: LineRef): void {
  switch (line.reason) {
    case "circuit_open":
    case "half_open_busy": {
      if (!usesBreakers(request)) {
        ctx.report(
          "skip-unexpected",
          `${line.model} skipped for ${line.reason}, but this request does not consult the breakers`,
          request,
          line.model,
        );
        return;
      }
      const step = ctx.breakers.preview(
        line.model,
        { kind: "permit", force: false },
        at.ts,
        request.settings.circuit_breaker,
      );
      const permit = step.permit;
      if (permit !== undefined && !permit.granted && permit.reason === line.reason) return;
      const circuit = ctx.breakers.circuitOf(line.model);
      const oracle =
        permit === undefined || permit.granted
          ? step.transitions.length > 0
            ? `its cooldown ended at ${iso(circuit.kind === "open" ? circuit.cooldownUntil : null)}, so the permission request must half-open it`
            : `the oracle holds it ${circuit.kind} and grants the permit`
          : `the oracle answers ${permit.reason}`;
      ctx.report(
        "skip-unexpected",
        `${line.model} skipped for ${line.reason}, but ${oracle}`,
        request,
        line.model,
      );
      return;
    }
    case "deadline": {
      const elapsed = at.ts - request.startTs;
      if (elapsed < request.settings.deadline_ms) {
        ctx.report(
          "skip-unexpected",
          `${line.model} skipped for the deadline after ${elapsed} ms, but deadline_ms is ${request.settings.deadline_ms}`,
          request,
          line.model,
        );
      }
      return;
    }
    case "invalid":
      return;
    default: {
      const unreachable: never = line.reason;
      return unreachable;
    }
  }
}
