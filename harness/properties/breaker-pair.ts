import type { BreakerSettings } from "../../src/index.ts";
import { BreakerLaws } from "./breaker-laws.ts";
import {
  oracleBreaker,
  referenceBreaker,
  type LawDecision,
  type LawOutcome,
  type LawTransition,
} from "./breaker-subject.ts";

/** A permit both breakers granted, waiting for its outcome. */
export interface HeldPermit {
  /** Short name in counterexamples: `#1`, `#2`, … in grant order. */
  readonly id: number;
  readonly probe: boolean;
  readonly referenceTicket: number;
  readonly oracleTicket: number;
}

/** A difference between the reference breaker and the oracle's. */
export class BreakerDivergence extends Error {
  override readonly name = "BreakerDivergence";
}

function sameDecision(a: LawDecision, b: LawDecision): boolean {
  if (a.granted !== b.granted) return false;
  if (a.granted && b.granted) return a.probe === b.probe && a.epoch === b.epoch;
  return !a.granted && !b.granted && a.reason === b.reason;
}

const describe = (value: unknown): string =>
  JSON.stringify(value, (k, v: unknown) => (k === "ticket" ? undefined : v));

/**
 * The reference breaker and the oracle's, driven in lockstep on one virtual clock, each under its own
 * {@link BreakerLaws}. Every input goes to both; their answers and transitions must be equal.
 */
export class BreakerPair {
  readonly settings: BreakerSettings;
  readonly reference: BreakerLaws;
  readonly oracle: BreakerLaws;
  now = 0;
  held: HeldPermit[] = [];
  #nextId = 1;

  constructor(settings: BreakerSettings) {
    this.settings = settings;
    this.reference = new BreakerLaws(referenceBreaker(settings), settings);
    this.oracle = new BreakerLaws(oracleBreaker(settings), settings);
  }

  /** A permission request on both; a grant is held until settled. */
  acquire(force: boolean): HeldPermit | undefined {
    const { decision: ref, transitions: refT } = this.reference.acquire(this.now, force);
    const { decision: ora, transitions: oraT } = this.oracle.acquire(this.now, force);
    if (!sameTransitions(refT, oraT))
      throw new BreakerDivergence(
        `at ${this.now} asking wrote ${describe(refT)} on the reference, ${describe(oraT)} on the oracle`,
      );
    if (!sameDecision(ref, ora))
      throw new BreakerDivergence(
        `at ${this.now} the reference answered ${describe(ref)}, the oracle ${describe(ora)}`,
      );
    if (!ref.granted || !ora.granted) return undefined;
    const permit: HeldPermit = {
      id: this.#nextId++,
      probe: ref.probe,
      referenceTicket: ref.ticket,
      oracleTicket: ora.ticket,
    };
    this.held.push(permit);
    return permit;
  }

  /** The held permit `pick` selects (modulo how many are held), or undefined when none is held. */
  pick(pick: number): HeldPermit | undefined {
    return this.held.length === 0 ? undefined : this.held[pick % this.held.length];
  }

  /** Reports one held permit's outcome to both. */
  settle(permit: HeldPermit, outcome: LawOutcome): void {
    this.held = this.held.filter((p) => p !== permit);
    const ref = this.reference.settle(permit.referenceTicket, permit.probe, outcome, this.now);
    const ora = this.oracle.settle(permit.oracleTicket, permit.probe, outcome, this.now);
    if (!sameTransitions(ref, ora))
      throw new BreakerDivergence(
        `at ${this.now} the reference wrote ${describe(ref)}, the oracle ${describe(ora)}`,
      );
  }
}

function sameTransitions(a: readonly LawTransition[], b: readonly LawTransition[]): boolean {
  return (
    a.length === b.length &&
    a.every((t, i) => {
      const u = b[i];
      return (
        u !== undefined &&
        t.from === u.from &&
        t.to === u.to &&
        t.failures === u.failures &&
        t.cooldownUntil === u.cooldownUntil &&
        t.cause === u.cause
      );
    })
  );
}
