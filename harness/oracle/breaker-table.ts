import type { OracleBreakerSettings as BreakerSettings } from "./config-types.ts";

/** The circuit states of SPEC §7. */
export type OracleCircuitName = "closed" | "open" | "half_open";

/** One model's circuit as the oracle models it. */
export type OracleCircuit =
  | { readonly kind: "closed"; readonly failures: readonly number[]; readonly epoch: number }
  | {
      readonly kind: "open";
      readonly cooldownUntil: number;
      readonly failures: number;
      readonly epoch: number;
    }
  | {
      readonly kind: "half_open";
      readonly inFlight: number;
      readonly successes: number;
      readonly epoch: number;
    };

/** A fresh circuit. */
export const ORACLE_INITIAL_CIRCUIT: OracleCircuit = { kind: "closed", failures: [], epoch: 0 };

/**
 * What happens to a circuit. `neutral` is an outcome with effect `none` (it frees a probe slot, nothing
 * more); `probeEpoch` is the half-open period a probe was granted in, `null` for an ordinary attempt.
 */
export type OracleBreakerInput =
  | { readonly kind: "permit"; readonly force: boolean }
  | { readonly kind: "success"; readonly probeEpoch: number | null }
  | { readonly kind: "neutral"; readonly probeEpoch: number | null }
  | {
      readonly kind: "failure" | "trip";
      readonly probeEpoch: number | null;
      readonly reason: string;
      readonly cooldownMs: number;
    };

/** A transition as the audit line must show it. */
export interface OracleTransition {
  readonly from: OracleCircuitName;
  readonly to: OracleCircuitName;
  readonly failures: number;
  readonly cooldownUntil: number | null;
  readonly cause: string;
}

/** The answer to a permit input. */
export type OraclePermit =
  | { readonly granted: true; readonly probeEpoch: number | null }
  | { readonly granted: false; readonly reason: "circuit_open" | "half_open_busy" };

type Guard =
  | "always"
  | "cooldown_due"
  | "forced"
  | "probe_slot_free"
  | "threshold_reached"
  | "current_probe"
  | "current_probe_closing";

/** How a row changes the state. */
type Update =
  "none" | "count" | "clear" | "open" | "half_open" | "take_slot" | "free_slot" | "add_success" | "close";

/** Where the transition's `failures` field comes from. */
type FailuresFrom = "window_with_this" | "kept" | "one" | "zero";

/** Where the transition's `cause` comes from. */
type CauseFrom = "reason" | "cooldown_elapsed" | "probe_forced" | "probe_success";

interface Row {
  readonly from: OracleCircuitName;
  readonly input: OracleBreakerInput["kind"];
  readonly when: Guard;
  readonly update: Update;
  readonly to?: OracleCircuitName;
  readonly failures?: FailuresFrom;
  readonly cause?: CauseFrom;
  readonly permit?: "granted" | "probe" | "circuit_open" | "half_open_busy";
}

/**
 * SPEC §7 as a table: for a state and an input, the first row whose guard holds decides. Rows with a `to`
 * write one `circuit_transition`. Where the spec is silent the rows follow the choices the reference engine
 * documents: a window counts failures with `ts > now − window_ms`; `failures` on half_open → open is 1 (the
 * probe's failure), on open → half_open the count the circuit opened with, on half_open → closed 0; an
 * outcome that arrives while the circuit is open, or from an earlier half-open period, changes nothing; in
 * closed every outcome counts, even one permitted before the circuit last moved.
 */
export const BREAKER_TABLE: readonly Row[] = [
  { from: "closed", input: "permit", when: "always", update: "none", permit: "granted" },
  { from: "closed", input: "success", when: "always", update: "clear" },
  { from: "closed", input: "neutral", when: "always", update: "none" },
  {
    from: "closed",
    input: "trip",
    when: "always",
    update: "open",
    to: "open",
    failures: "window_with_this",
    cause: "reason",
  },
  {
    from: "closed",
    input: "failure",
    when: "threshold_reached",
    update: "open",
    to: "open",
    failures: "window_with_this",
    cause: "reason",
  },
  { from: "closed", input: "failure", when: "always", update: "count" },

  {
    from: "open",
    input: "permit",
    when: "cooldown_due",
    update: "half_open",
    to: "half_open",
    failures: "kept",
    cause: "cooldown_elapsed",
    permit: "probe",
  },
  {
    from: "open",
    input: "permit",
    when: "forced",
    update: "half_open",
    to: "half_open",
    failures: "kept",
    cause: "probe_forced",
    permit: "probe",
  },
  { from: "open", input: "permit", when: "always", update: "none", permit: "circuit_open" },
  { from: "open", input: "success", when: "always", update: "none" },
  { from: "open", input: "neutral", when: "always", update: "none" },
  { from: "open", input: "failure", when: "always", update: "none" },
  { from: "open", input: "trip", when: "always", update: "none" },

  { from: "half_open", input: "permit", when: "probe_slot_free", update: "take_slot", permit: "probe" },
  { from: "half_open", input: "permit", when: "always", update: "none", permit: "half_open_busy" },
  {
    from: "half_open",
    input: "success",
    when: "current_probe_closing",
    update: "close",
    to: "closed",
    failures: "zero",
    cause: "probe_success",
  },
  { from: "half_open", input: "success", when: "current_probe", update: "add_success" },
  { from: "half_open", input: "success", when: "always", update: "none" },
  { from: "half_open", input: "neutral", when: "current_probe", update: "free_slot" },
  { from: "half_open", input: "neutral", when: "always", update: "none" },
  {
    from: "half_open",
    input: "failure",
    when: "current_probe",
    update: "open",
    to: "open",
    failures: "one",
    cause: "reason",
  },
  { from: "half_open", input: "failure", when: "always", update: "none" },
  {
    from: "half_open",
    input: "trip",
    when: "current_probe",
    update: "open",
    to: "open",
    failures: "one",
    cause: "reason",
  },
  { from: "half_open", input: "trip", when: "always", update: "none" },
];

/** The result of one input. */
export interface OracleBreakerStep {
  readonly state: OracleCircuit;
  readonly transitions: readonly OracleTransition[];
  readonly permit?: OraclePermit;
}

function inWindowWithThis(state: OracleCircuit, now: number, settings: BreakerSettings): readonly number[] {
  const kept = state.kind === "closed" ? state.failures.filter((at) => at > now - settings.window_ms) : [];
  return [...kept, now];
}

function holds(
  guard: Guard,
  state: OracleCircuit,
  input: OracleBreakerInput,
  now: number,
  settings: BreakerSettings,
): boolean {
  switch (guard) {
    case "always":
      return true;
    case "cooldown_due":
      return state.kind === "open" && now >= state.cooldownUntil;
    case "forced":
      return input.kind === "permit" && input.force;
    case "probe_slot_free":
      // At least one probe is always allowed, or a circuit with a limit below 1 would stay half-open forever.
      return state.kind === "half_open" && state.inFlight < Math.max(1, settings.half_open_probes);
    case "threshold_reached":
      return inWindowWithThis(state, now, settings).length >= settings.failure_threshold;
    case "current_probe":
      return (
        input.kind !== "permit" &&
        state.kind === "half_open" &&
        input.probeEpoch === state.epoch &&
        state.inFlight > 0
      );
    case "current_probe_closing":
      return (
        holds("current_probe", state, input, now, settings) &&
        state.kind === "half_open" &&
        state.successes + 1 >= settings.success_threshold
      );
    default: {
      const unreachable: never = guard;
      return unreachable;
    }
  }
}

function nextState(
  row: Row,
  state: OracleCircuit,
  input: OracleBreakerInput,
  now: number,
  settings: BreakerSettings,
): OracleCircuit {
  switch (row.update) {
    case "none":
      return state;
    case "count":
      return { kind: "closed", failures: inWindowWithThis(state, now, settings), epoch: state.epoch };
    case "clear":
      return { kind: "closed", failures: [], epoch: state.epoch };
    case "open": {
      const extra = input.kind === "failure" || input.kind === "trip" ? input.cooldownMs : 0;
      const failures = row.failures === "one" ? 1 : inWindowWithThis(state, now, settings).length;
      return {
        kind: "open",
        cooldownUntil: now + Math.max(settings.cooldown_ms, extra),
        failures,
        epoch: state.epoch,
      };
    }
    case "half_open":
      return { kind: "half_open", inFlight: 1, successes: 0, epoch: state.epoch + 1 };
    case "take_slot":
      return state.kind === "half_open" ? { ...state, inFlight: state.inFlight + 1 } : state;
    case "free_slot":
      return state.kind === "half_open" ? { ...state, inFlight: state.inFlight - 1 } : state;
    case "add_success":
      return state.kind === "half_open"
        ? { ...state, inFlight: state.inFlight - 1, successes: state.successes + 1 }
        : state;
    case "close":
      return { kind: "closed", failures: [], epoch: state.epoch };
    default: {
      const unreachable: never = row.update;
      return unreachable;
    }
  }
}

function failuresField(from: FailuresFrom, before: OracleCircuit, after: OracleCircuit): number {
  switch (from) {
    case "window_with_this":
      return after.kind === "open" ? after.failures : 0;
    case "kept":
      return before.kind === "open" ? before.failures : 0;
    case "one":
      return 1;
    case "zero":
      return 0;
    default: {
      const unreachable: never = from;
      return unreachable;
    }
  }
}

function causeField(from: CauseFrom, input: OracleBreakerInput): string {
  if (from === "reason") return input.kind === "failure" || input.kind === "trip" ? input.reason : "unknown";
  return from;
}

function permitOf(row: Row, after: OracleCircuit): OraclePermit | undefined {
  switch (row.permit) {
    case undefined:
      return undefined;
    case "granted":
      return { granted: true, probeEpoch: null };
    case "probe":
      return { granted: true, probeEpoch: after.epoch };
    case "circuit_open":
    case "half_open_busy":
      return { granted: false, reason: row.permit };
    default: {
      const unreachable: never = row.permit;
      return unreachable;
    }
  }
}

/** Runs one input through {@link BREAKER_TABLE}: the first matching row gives the next state and transitions. */
export function stepOracleBreaker(
  state: OracleCircuit,
  input: OracleBreakerInput,
  now: number,
  settings: BreakerSettings,
): OracleBreakerStep {
  const row = BREAKER_TABLE.find(
    (candidate) =>
      candidate.from === state.kind &&
      candidate.input === input.kind &&
      holds(candidate.when, state, input, now, settings),
  );
  // The table ends every (state, input) pair with an `always` row, so a miss is a bug in the table itself.
  if (row === undefined) return { state, transitions: [] };
  const after = nextState(row, state, input, now, settings);
  const transitions: OracleTransition[] =
    row.to === undefined
      ? []
      : [
          {
            from: row.from,
            to: row.to,
            failures: failuresField(row.failures ?? "zero", state, after),
            cooldownUntil: after.kind === "open" ? after.cooldownUntil : null,
            cause: causeField(row.cause ?? "reason", input),
          },
        ];
  const permit = permitOf(row, after);
  return permit === undefined ? { state: after, transitions } : { state: after, transitions, permit };
}
