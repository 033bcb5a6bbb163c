import type { BreakerEffect, Reason } from "../classify/taxonomy.ts";
import type { BreakerSettings } from "../config/settings.ts";

/** The three circuit states of SPEC §7. */
export type CircuitStateName = "closed" | "open" | "half_open";

/**
 * One model's circuit as data. `epoch` counts the half-open periods the circuit has had; a probe permit
 * carries the epoch it was granted in, so a probe that answers after its period ended (possible with
 * `half_open_probes ≥ 2`) is recognised as stale instead of being booked against a later period.
 */
export type BreakerState =
  | {
      readonly kind: "closed";
      /** Timestamps of the counted failures still inside the window, oldest first. */
      readonly failures: readonly number[];
      readonly epoch: number;
    }
  | {
      readonly kind: "open";
      readonly openedAt: number;
      /** When a permission request may half-open the circuit: `openedAt + max(cooldown_ms, cooldownMs)`. */
      readonly cooldownUntil: number;
      /** Counted failures when it opened (reported again on open → half_open). */
      readonly failures: number;
      readonly epoch: number;
    }
  | {
      readonly kind: "half_open";
      readonly probesInFlight: number;
      readonly successes: number;
      /** This half-open period's number (1 for the first). */
      readonly epoch: number;
    };

/**
 * What can happen to a circuit. `probe` says whether the outcome answers a probe permit; `epoch`, when
 * given, is the epoch of that permit (see {@link PermitDecision}); without it a probe is assumed to belong to
 * the current half-open period.
 */
export type BreakerInput =
  | {
      readonly type: "permit";
      /** `on_all_open: probe_soonest`: half-open the circuit even if its cooldown is not due yet. */
      readonly force?: boolean;
    }
  | { readonly type: "success"; readonly probe: boolean; readonly epoch?: number }
  | {
      readonly type: "failure";
      readonly effect: BreakerEffect;
      readonly reason: Reason;
      readonly probe: boolean;
      readonly epoch?: number | undefined;
      /** A quota trip's cooldown (`max(cooldown_ms, Retry-After)`); the larger of this and `cooldown_ms` applies. */
      readonly cooldownMs?: number | undefined;
    }
  | {
      /** The attempt ended with effect `none` or was abandoned: a probe gives its slot back, nothing counts. */
      readonly type: "release";
      readonly probe: boolean;
      readonly epoch?: number;
    };

/** One state change; each becomes exactly one `circuit_transition` audit line (SPEC §8). */
export interface CircuitTransition {
  readonly from: CircuitStateName;
  readonly to: CircuitStateName;
  /**
   * Counted failures at that moment: closed → open, the failures inside the window including the one that
   * opened it (a trip adds one to those already counted); open → half_open, the count it opened with;
   * half_open → open, 1 (the probe failure; the closed-state window is gone); half_open → closed, 0.
   */
  readonly failures: number;
  /** Epoch ms when entering open, else null. */
  readonly cooldownUntil: number | null;
  /**
   * The failure's reason on entering open; `cooldown_elapsed` for a due open → half_open; `probe_forced`
   * when `probe_soonest` half-opened it early; `probe_success` for half_open → closed.
   */
  readonly cause: string;
}

/** The answer to a permission request. A granted probe names its half-open period. */
export type PermitDecision =
  | { readonly granted: true; readonly probe: false }
  | { readonly granted: true; readonly probe: true; readonly epoch: number }
  | { readonly granted: false; readonly reason: "circuit_open" | "half_open_busy" };

/** The no-transition list, shared: most steps change nothing, and each ran on every attempt. */
const NO_TRANSITIONS: readonly CircuitTransition[] = Object.freeze([]);

/** The result of one input: the next state and what changed, or why the input cannot happen. */
export type BreakerStep =
  | {
      readonly ok: true;
      readonly state: BreakerState;
      readonly transitions: readonly CircuitTransition[];
      /** Present for `permit` inputs. */
      readonly permit?: PermitDecision;
    }
  | { readonly ok: false; readonly error: string };

/** A fresh circuit: closed, nothing counted, never half-opened. */
export const INITIAL_BREAKER_STATE: BreakerState = { kind: "closed", failures: [], epoch: 0 };

/** The only edges SPEC §7 allows. */
export const LEGAL_TRANSITIONS: ReadonlyArray<readonly [CircuitStateName, CircuitStateName]> = [
  ["closed", "open"],
  ["open", "half_open"],
  ["half_open", "closed"],
  ["half_open", "open"],
];

/** True for an edge listed in {@link LEGAL_TRANSITIONS}. */
export function isLegalTransition(from: CircuitStateName, to: CircuitStateName): boolean {
  return LEGAL_TRANSITIONS.some(([f, t]) => f === from && t === to);
}

const GRANTED: PermitDecision = { granted: true, probe: false };

/**
 * The pure breaker of SPEC §7: `(state, input, now) → next state + transitions`.
 *
 * Outcomes that arrive after the circuit moved on (a request permitted while closed that ends after another
 * request opened the circuit, or a probe whose half-open period already ended) are handled like this:
 * - in `closed` they count as ordinary outcomes (a success clears, a failure counts), because the model
 *   really did answer that way and the circuit is judging it again;
 * - in `open` they are ignored: the circuit is already open and a request that began before it opened must
 *   not extend the cooldown;
 * - in `half_open` only the current period's probes decide; anything else changes nothing.
 * A probe slot is never taken back twice: an outcome for a probe with no slot in flight is an error when it
 * names the current epoch, and is treated as stale when it names no epoch.
 *
 * With `settings.enabled === false` every permit is granted and nothing ever changes.
 */
export function transition(
  state: BreakerState,
  input: BreakerInput,
  now: number,
  settings: BreakerSettings,
): BreakerStep {
  if (!settings.enabled) {
    return input.type === "permit"
      ? { ok: true, state, transitions: NO_TRANSITIONS, permit: GRANTED }
      : { ok: true, state, transitions: NO_TRANSITIONS };
  }
  switch (input.type) {
    case "permit":
      return permit(state, input.force === true, now, settings.half_open_probes);
    case "success":
    case "failure":
    case "release":
      return outcome(state, input, now, settings);
    default: {
      const unreachable: never = input;
      return unreachable;
    }
  }
}

function permit(state: BreakerState, force: boolean, now: number, probeLimit: number): BreakerStep {
  switch (state.kind) {
    case "closed":
      return { ok: true, state, transitions: NO_TRANSITIONS, permit: GRANTED };
    case "open": {
      const due = now >= state.cooldownUntil;
      if (!due && !force)
        return {
          ok: true,
          state,
          transitions: NO_TRANSITIONS,
          permit: { granted: false, reason: "circuit_open" },
        };
      const epoch = state.epoch + 1;
      return {
        ok: true,
        state: { kind: "half_open", probesInFlight: 1, successes: 0, epoch },
        transitions: [
          {
            from: "open",
            to: "half_open",
            failures: state.failures,
            cooldownUntil: null,
            cause: due ? "cooldown_elapsed" : "probe_forced",
          },
        ],
        permit: { granted: true, probe: true, epoch },
      };
    }
    case "half_open": {
      // `force` never lifts the probe limit: half-open permits are counted exactly (SPEC §6).
      // A limit below 1 would strand the circuit half-open forever, so at least one probe is always allowed.
      if (state.probesInFlight >= Math.max(1, probeLimit)) {
        return {
          ok: true,
          state,
          transitions: NO_TRANSITIONS,
          permit: { granted: false, reason: "half_open_busy" },
        };
      }
      return {
        ok: true,
        state: { ...state, probesInFlight: state.probesInFlight + 1 },
        transitions: NO_TRANSITIONS,
        permit: { granted: true, probe: true, epoch: state.epoch },
      };
    }
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
}

type Outcome = Exclude<BreakerInput, { readonly type: "permit" }>;

function outcome(state: BreakerState, input: Outcome, now: number, settings: BreakerSettings): BreakerStep {
  if (input.probe) {
    if (input.epoch !== undefined && input.epoch > state.epoch) {
      return {
        ok: false,
        error: `a probe outcome names epoch ${input.epoch}, but the circuit has only reached epoch ${state.epoch}`,
      };
    }
    if (state.epoch === 0)
      return {
        ok: false,
        error: `a probe ${input.type} while ${state.kind}, but the circuit has never been half-open`,
      };
    const current = state.kind === "half_open" && (input.epoch ?? state.epoch) === state.epoch;
    if (current && state.probesInFlight === 0) {
      if (input.epoch !== undefined)
        return {
          ok: false,
          error: `a probe ${input.type} for epoch ${input.epoch}, which has no probe in flight`,
        };
      // No epoch named: this is a probe from an earlier period answering late; it has no slot to give back.
      return { ok: true, state, transitions: NO_TRANSITIONS };
    }
    if (current) return probeOutcome(state, input, now, settings);
  }
  return lateOrClosedOutcome(state, input, now, settings);
}

/** An outcome of the current half-open period's probe. */
function probeOutcome(
  state: Extract<BreakerState, { kind: "half_open" }>,
  input: Outcome,
  now: number,
  settings: BreakerSettings,
): BreakerStep {
  const freed = { ...state, probesInFlight: state.probesInFlight - 1 };
  switch (input.type) {
    case "release":
      return { ok: true, state: freed, transitions: NO_TRANSITIONS };
    case "success": {
      const successes = state.successes + 1;
      if (successes < settings.success_threshold)
        return { ok: true, state: { ...freed, successes }, transitions: NO_TRANSITIONS };
      return {
        ok: true,
        state: { kind: "closed", failures: [], epoch: state.epoch },
        transitions: [
          { from: "half_open", to: "closed", failures: 0, cooldownUntil: null, cause: "probe_success" },
        ],
      };
    }
    case "failure": {
      if (input.effect === "none") return { ok: true, state: freed, transitions: NO_TRANSITIONS };
      return open("half_open", 1, input, now, settings, state.epoch);
    }
    default: {
      const unreachable: never = input;
      return unreachable;
    }
  }
}

/** A non-probe outcome, or a probe outcome whose half-open period is over. */
function lateOrClosedOutcome(
  state: BreakerState,
  input: Outcome,
  now: number,
  settings: BreakerSettings,
): BreakerStep {
  if (state.kind !== "closed") return { ok: true, state, transitions: NO_TRANSITIONS };
  switch (input.type) {
    case "release":
      return { ok: true, state, transitions: NO_TRANSITIONS };
    case "success":
      return {
        ok: true,
        state: state.failures.length === 0 ? state : { ...state, failures: [] },
        transitions: NO_TRANSITIONS,
      };
    case "failure": {
      if (input.effect === "none") return { ok: true, state, transitions: NO_TRANSITIONS };
      // Only failures strictly inside the window count: ts > now − window_ms (SPEC §7).
      const since = now - settings.window_ms;
      const inWindow: number[] = [];
      for (const ts of state.failures) if (ts > since) inWindow.push(ts);
      inWindow.push(now);
      if (input.effect === "trip" || inWindow.length >= settings.failure_threshold) {
        return open("closed", inWindow.length, input, now, settings, state.epoch);
      }
      return { ok: true, state: { ...state, failures: inWindow }, transitions: NO_TRANSITIONS };
    }
    default: {
      const unreachable: never = input;
      return unreachable;
    }
  }
}

function open(
  from: "closed" | "half_open",
  failures: number,
  input: Extract<BreakerInput, { readonly type: "failure" }>,
  now: number,
  settings: BreakerSettings,
  epoch: number,
): BreakerStep {
  // SPEC §4: a quota trip cools down for max(cooldown_ms, Retry-After).
  const cooldownUntil = now + Math.max(settings.cooldown_ms, input.cooldownMs ?? 0);
  return {
    ok: true,
    state: { kind: "open", openedAt: now, cooldownUntil, failures, epoch },
    transitions: [{ from, to: "open", failures, cooldownUntil, cause: input.reason }],
  };
}
