import { BreakerRegistry, type BreakerSettings, type ModelId, type PermitDecision } from "../../src/index.ts";
import { BreakerOracle } from "../oracle/breaker-oracle.ts";
import type { OracleBreakerInput } from "../oracle/breaker-table.ts";

/** A circuit state as the laws see it, whatever the implementation's own shape. */
export type LawState =
  | { readonly kind: "closed" }
  | { readonly kind: "open"; readonly cooldownUntil: number }
  | { readonly kind: "half_open"; readonly probesInFlight: number; readonly epoch: number };

/** One `circuit_transition`, in the fields both implementations share. */
export interface LawTransition {
  readonly from: string;
  readonly to: string;
  readonly failures: number;
  readonly cooldownUntil: number | null;
  readonly cause: string;
}

/** A permission answer; a granted one carries the ticket its outcome is reported with. */
export type LawDecision =
  | {
      readonly granted: true;
      readonly probe: boolean;
      readonly epoch: number | null;
      readonly ticket: number;
    }
  | { readonly granted: false; readonly reason: "circuit_open" | "half_open_busy" };

/** How a permitted call ended. `release` gives the permit back unjudged (an abandoned attempt). */
export type LawOutcome =
  | { readonly kind: "success" }
  | {
      readonly kind: "failure";
      readonly effect: "failure" | "trip" | "none";
      readonly reason: string;
      /** A quota trip's own cooldown (`max(cooldown_ms, Retry-After)`); 0 when there is none. */
      readonly cooldownMs: number;
    }
  | { readonly kind: "release" };

/**
 * One breaker implementation behind the interface the laws speak (STYLE habit 11): the reference
 * `BreakerRegistry` and the oracle's table-driven breaker both answer to it, so the same laws judge both.
 */
export interface BreakerSubject {
  readonly name: string;
  acquire(
    now: number,
    force: boolean,
  ): { readonly decision: LawDecision; readonly transitions: readonly LawTransition[] };
  settle(ticket: number, outcome: LawOutcome, now: number): readonly LawTransition[];
  state(): LawState;
}

const MODEL = "openai/gpt-4.1" as ModelId;

/** The reference engine's breaker, one model of a `BreakerRegistry`. */
export function referenceBreaker(settings: BreakerSettings): BreakerSubject {
  const registry = new BreakerRegistry();
  const tickets = new Map<number, PermitDecision>();
  let next = 1;
  return {
    name: "reference",
    acquire(now, force) {
      const { decision, transitions } = registry.acquire(MODEL, now, settings, { force });
      if (!decision.granted) return { decision: { granted: false, reason: decision.reason }, transitions };
      const ticket = next++;
      tickets.set(ticket, decision);
      return {
        decision: {
          granted: true,
          probe: decision.probe,
          epoch: decision.probe ? decision.epoch : null,
          ticket,
        },
        transitions,
      };
    },
    settle(ticket, outcome, now) {
      const permit = tickets.get(ticket);
      if (permit === undefined) throw new Error(`ticket ${ticket} was never granted or was already settled`);
      tickets.delete(ticket);
      switch (outcome.kind) {
        case "success":
          return registry.recordSuccess(MODEL, permit, now, settings);
        case "release":
          return registry.release(MODEL, permit, now, settings);
        case "failure":
          return registry.recordFailure(
            MODEL,
            {
              effect: outcome.effect,
              reason: outcome.reason as never,
              probe: permit,
              ...(outcome.cooldownMs > 0 ? { cooldownMs: outcome.cooldownMs } : {}),
            },
            now,
            settings,
          );
        default: {
          const unreachable: never = outcome;
          return unreachable;
        }
      }
    },
    state() {
      const s = registry.snapshot(MODEL);
      switch (s.kind) {
        case "closed":
          return { kind: "closed" };
        case "open":
          return { kind: "open", cooldownUntil: s.cooldownUntil };
        case "half_open":
          return { kind: "half_open", probesInFlight: s.probesInFlight, epoch: s.epoch };
        default: {
          const unreachable: never = s;
          return unreachable;
        }
      }
    },
  };
}

function oracleInput(outcome: LawOutcome, probeEpoch: number | null): OracleBreakerInput {
  switch (outcome.kind) {
    case "success":
      return { kind: "success", probeEpoch };
    case "release":
      return { kind: "neutral", probeEpoch };
    case "failure":
      return outcome.effect === "none"
        ? { kind: "neutral", probeEpoch }
        : { kind: outcome.effect, probeEpoch, reason: outcome.reason, cooldownMs: outcome.cooldownMs };
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}

/** The oracle's breaker (harness/oracle/breaker-table.ts), which never imports the reference's decision code. */
export function oracleBreaker(settings: BreakerSettings): BreakerSubject {
  const oracle = new BreakerOracle();
  const tickets = new Map<number, number | null>();
  let next = 1;
  return {
    name: "oracle",
    acquire(now, force) {
      const step = oracle.apply(MODEL, { kind: "permit", force }, now, settings);
      const permit = step.permit ?? { granted: true, probeEpoch: null };
      if (!permit.granted)
        return { decision: { granted: false, reason: permit.reason }, transitions: step.transitions };
      const ticket = next++;
      tickets.set(ticket, permit.probeEpoch);
      return {
        decision: { granted: true, probe: permit.probeEpoch !== null, epoch: permit.probeEpoch, ticket },
        transitions: step.transitions,
      };
    },
    settle(ticket, outcome, now) {
      const probeEpoch = tickets.get(ticket);
      if (probeEpoch === undefined)
        throw new Error(`ticket ${ticket} was never granted or was already settled`);
      tickets.delete(ticket);
      return oracle.apply(MODEL, oracleInput(outcome, probeEpoch), now, settings).transitions;
    },
    state() {
      const c = oracle.circuitOf(MODEL);
      switch (c.kind) {
        case "closed":
          return { kind: "closed" };
        case "open":
          return { kind: "open", cooldownUntil: c.cooldownUntil };
        case "half_open":
          return { kind: "half_open", probesInFlight: c.inFlight, epoch: c.epoch };
        default: {
          const unreachable: never = c;
          return unreachable;
        }
      }
    },
  };
}
