import type { BreakerEffect, Reason } from "../classify/taxonomy.ts";
import type { BreakerSettings } from "../config/settings.ts";
import type { ModelId } from "../core/model-id.ts";
import {
  INITIAL_BREAKER_STATE,
  transition,
  type BreakerInput,
  type BreakerState,
  type BreakerStep,
  type CircuitStateName,
  type CircuitTransition,
  type PermitDecision,
} from "./breaker.ts";

/**
 * Which permit an outcome answers: `false` (not a probe), `true` (a probe of the current half-open period),
 * or the {@link PermitDecision} from `acquire` itself, which also pins a probe's half-open period so a late
 * probe is never booked against a later period. Passing the decision is the exact form; a denied decision
 * (which has no outcome to report) counts as "not a probe".
 */
export type ProbeRef = boolean | PermitDecision;

/** A failure as the registry records it. */
export interface RecordedFailure {
  readonly effect: BreakerEffect;
  readonly reason: Reason;
  readonly probe: ProbeRef;
  /** Quota trips: `max(cooldown_ms, Retry-After)`. */
  readonly cooldownMs?: number | undefined;
}

/** What `acquire` returns: the decision and any transition it caused (open → half_open). */
export interface AcquireResult {
  readonly decision: PermitDecision;
  readonly transitions: readonly CircuitTransition[];
}

/**
 * The circuits of one engine, keyed by model and shared by all its concurrent requests (SPEC §6). Every
 * method is synchronous, so requests interleave only between calls and half-open permits are counted
 * exactly. Settings come with each call because agents may override `circuit_breaker` for a shared model.
 */
export class BreakerRegistry {
  readonly #states = new Map<ModelId, BreakerState>();

  /** Asks permission to call `model`; `force` is `on_all_open: probe_soonest` (half-open before the cooldown is due). */
  acquire(
    model: ModelId,
    now: number,
    settings: BreakerSettings,
    options?: { readonly force?: boolean },
  ): AcquireResult {
    // A closed circuit (or one never seen) grants at once and changes nothing, `force` or not: the pure
    // breaker's answer without building its input, step and copies, which every served request paid.
    const state = this.#states.get(model);
    if (state === undefined || state.kind === "closed" || !settings.enabled) return GRANTED_NO_TRANSITION;
    const input: BreakerInput =
      options?.force === true ? { type: "permit", force: true } : { type: "permit" };
    const step = this.#apply(model, input, now, settings);
    return { decision: step.permit ?? { granted: true, probe: false }, transitions: [...step.transitions] };
  }

  /** Records a served attempt. */
  recordSuccess(
    model: ModelId,
    probe: ProbeRef,
    now: number,
    settings: BreakerSettings,
  ): readonly CircuitTransition[] {
    // Not a probe, on a closed circuit with nothing counted (or any circuit with breakers off): nothing
    // to change, and the pure breaker would say so after building its input and step.
    if (!isProbe(probe)) {
      const state = this.#states.get(model);
      if (
        !settings.enabled ||
        state === undefined ||
        (state.kind === "closed" && state.failures.length === 0)
      )
        return NO_TRANSITIONS;
    }
    return [...this.#apply(model, { type: "success", ...probeFields(probe) }, now, settings).transitions];
  }

  /** Records a failed attempt with its breaker effect (effect `none` only frees a probe slot). */
  recordFailure(
    model: ModelId,
    failure: RecordedFailure,
    now: number,
    settings: BreakerSettings,
  ): readonly CircuitTransition[] {
    const { probe, epoch } = probeFields(failure.probe);
    // Absent and undefined read alike in the breaker: one literal, not spreads of optional parts (a spread
    // after the first member is a runtime call per failed attempt).
    const input: BreakerInput = {
      type: "failure",
      effect: failure.effect,
      reason: failure.reason,
      probe,
      epoch,
      cooldownMs: failure.cooldownMs,
    };
    // The step's own list: steps are immutable, and an empty one is the shared frozen list.
    return this.#apply(model, input, now, settings).transitions;
  }

  /** Gives a permit back without judging the model (effect `none`, or an abandoned attempt). */
  release(
    model: ModelId,
    probe: ProbeRef,
    now: number,
    settings: BreakerSettings,
  ): readonly CircuitTransition[] {
    return this.#apply(model, { type: "release", ...probeFields(probe) }, now, settings).transitions;
  }

  /**
   * The state as last recorded. Looking never moves a circuit: open → half_open happens only on a
   * permission request (SPEC §7), so `_now` is accepted for callers but does not change the answer.
   */
  stateOf(model: ModelId, _now?: number): CircuitStateName {
    return this.snapshot(model).kind;
  }

  /** The full state of one model's circuit (a fresh closed state for a model never seen). */
  snapshot(model: ModelId): BreakerState {
    return this.#states.get(model) ?? INITIAL_BREAKER_STATE;
  }

  /** The open model whose cooldown ends first; ties go to the earlier model in `models` (chain order). */
  soonestToClose(models: readonly ModelId[]): ModelId | undefined {
    let best: { model: ModelId; until: number } | undefined;
    for (const model of models) {
      const state = this.snapshot(model);
      if (state.kind !== "open") continue;
      if (best === undefined || state.cooldownUntil < best.until)
        best = { model, until: state.cooldownUntil };
    }
    return best?.model;
  }

  #apply(
    model: ModelId,
    input: BreakerInput,
    now: number,
    settings: BreakerSettings,
  ): Extract<BreakerStep, { ok: true }> {
    const step = transition(this.snapshot(model), input, now, settings);
    if (!step.ok) {
      // Only a caller that answers one permit twice, or invents a probe, gets here: a wiring bug, not traffic.
      throw new Error(
        `Failed to record a circuit ${input.type} for ${model}: ${step.error}. Report each permit's outcome exactly once, passing the granted decision as the probe.`,
      );
    }
    this.#states.set(model, step.state);
    // The step itself: a copy of its permit and transitions was an object per recorded outcome.
    return step;
  }
}

/** The granted permit of a closed circuit (the same answer `transition` gives). */
const GRANTED: PermitDecision = Object.freeze({ granted: true, probe: false });
/** No transition: shared by every call that changes nothing, so it is frozen. */
const NO_TRANSITIONS: readonly CircuitTransition[] = Object.freeze([]);
/** What `acquire` answers on a closed circuit, made once (each request on a healthy model asked for one). */
const GRANTED_NO_TRANSITION: AcquireResult = Object.freeze({
  decision: GRANTED,
  transitions: NO_TRANSITIONS,
});

/** Whether an outcome answers a probe permit ({@link probeFields}'s `probe`). */
function isProbe(ref: ProbeRef): boolean {
  return typeof ref === "boolean" ? ref : ref.granted && ref.probe;
}

function probeFields(ref: ProbeRef): { readonly probe: boolean; readonly epoch?: number } {
  if (typeof ref === "boolean") return ref ? PROBE : NOT_PROBE;
  return ref.granted && ref.probe ? { probe: true, epoch: ref.epoch } : NOT_PROBE;
}

const PROBE = Object.freeze({ probe: true });
const NOT_PROBE = Object.freeze({ probe: false });
