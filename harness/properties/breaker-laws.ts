import type { BreakerSettings } from "../../src/index.ts";
import type { BreakerSubject, LawDecision, LawOutcome, LawState, LawTransition } from "./breaker-subject.ts";

/** SPEC §7's only edges. Written out here rather than imported, so the laws do not trust either subject. */
const LEGAL = new Set(["closed>open", "open>half_open", "half_open>closed", "half_open>open"]);

/** A broken law, with the subject it was seen on. */
export class BreakerLawError extends Error {
  override readonly name = "BreakerLawError";
}

/**
 * The breaker laws of SPEC §7, checked around every call of one {@link BreakerSubject}. The same checker runs
 * against the reference breaker and the oracle's, so a law the oracle breaks is a bug in the oracle, not a
 * reason to loosen the reference.
 */
export class BreakerLaws {
  readonly #subject: BreakerSubject;
  readonly #settings: BreakerSettings;
  /** The state as told by the transitions seen so far: a transition must start where the last one ended. */
  #told: LawState["kind"] = "closed";

  constructor(subject: BreakerSubject, settings: BreakerSettings) {
    this.#subject = subject;
    this.#settings = settings;
  }

  /** Asks the subject for a permit and checks the permit laws; returns what it answered. */
  acquire(
    now: number,
    force: boolean,
  ): { readonly decision: LawDecision; readonly transitions: readonly LawTransition[] } {
    const before = this.#subject.state();
    const { decision, transitions } = this.#subject.acquire(now, force);
    this.#chain(transitions, now, `acquire${force ? " (forced)" : ""}`);
    const law = (ok: boolean, what: string): void =>
      this.#law(ok, `acquire at ${now}${force ? " (forced)" : ""}: ${what}`);
    switch (before.kind) {
      case "closed":
        law(decision.granted && !decision.probe, "a closed circuit grants every call as a non-probe");
        law(transitions.length === 0, "a permit in closed changes nothing");
        break;
      case "open": {
        const due = now >= before.cooldownUntil;
        if (!due && !force) {
          law(
            !decision.granted && decision.reason === "circuit_open",
            "an open circuit denies before its cooldown ends",
          );
          law(transitions.length === 0, "a denied permit writes no transition");
        } else {
          law(
            decision.granted && decision.probe,
            "the first permit at or after the cooldown (or forced) is a probe",
          );
          law(
            transitions.length === 1 && transitions[0]?.to === "half_open",
            "that permit half-opens the circuit",
          );
          law(
            transitions[0]?.cause === (due ? "cooldown_elapsed" : "probe_forced"),
            "the cause says whether the cooldown was due",
          );
        }
        break;
      }
      case "half_open": {
        const free = before.probesInFlight < Math.max(1, this.#settings.half_open_probes);
        law(transitions.length === 0, "a permit in half_open writes no transition");
        law(
          free
            ? decision.granted && decision.probe
            : !decision.granted && decision.reason === "half_open_busy",
          free
            ? "a free probe slot is granted as a probe"
            : "a full half-open circuit answers half_open_busy, even when forced",
        );
        break;
      }
      default: {
        const unreachable: never = before;
        return unreachable;
      }
    }
    this.#probeLimit();
    return { decision, transitions };
  }

  /** Reports how a permitted call ended and checks the outcome laws. */
  settle(ticket: number, probe: boolean, outcome: LawOutcome, now: number): readonly LawTransition[] {
    const before = this.#subject.state();
    const transitions = this.#subject.settle(ticket, outcome, now);
    const label = outcome.kind === "failure" ? `${outcome.effect} failure` : outcome.kind;
    this.#chain(transitions, now, label);
    const law = (ok: boolean, what: string): void => this.#law(ok, `${label} at ${now}: ${what}`);
    const neutral = outcome.kind === "release" || (outcome.kind === "failure" && outcome.effect === "none");
    if (neutral) law(transitions.length === 0, "an outcome with effect none neither counts nor clears");
    if (before.kind === "open")
      law(transitions.length === 0, "an outcome arriving while open changes nothing");
    if (before.kind === "closed" && outcome.kind === "failure" && outcome.effect === "trip") {
      law(transitions.length === 1 && transitions[0]?.to === "open", "one trip opens a closed circuit");
    }
    if (outcome.kind === "success")
      law(
        transitions.every((t) => t.to === "closed"),
        "a success never opens a circuit",
      );
    if (before.kind === "closed" && outcome.kind === "success")
      law(transitions.length === 0, "a success in closed writes nothing");
    if (!probe && before.kind === "half_open")
      law(transitions.length === 0, "only probes decide a half-open circuit");
    this.#probeLimit();
    return transitions;
  }

  #probeLimit(): void {
    const state = this.#subject.state();
    if (state.kind === "half_open") {
      this.#law(
        state.probesInFlight >= 0 && state.probesInFlight <= Math.max(1, this.#settings.half_open_probes),
        `half-open probes in flight (${state.probesInFlight}) stay within half_open_probes (${this.#settings.half_open_probes})`,
      );
    }
  }

  #chain(transitions: readonly LawTransition[], now: number, label: string): void {
    this.#law(transitions.length <= 1, `${label} at ${now}: one input writes at most one transition`);
    for (const t of transitions) {
      this.#law(
        LEGAL.has(`${t.from}>${t.to}`),
        `${label} at ${now}: ${t.from} → ${t.to} is not a legal transition`,
      );
      this.#law(
        t.from === this.#told,
        `${label} at ${now}: a transition from ${t.from} while the last one left the circuit ${this.#told}`,
      );
      if (t.to === "open") {
        this.#law(
          t.cooldownUntil !== null && t.cooldownUntil >= now + this.#settings.cooldown_ms,
          `${label} at ${now}: entering open sets cooldown_until to at least now + cooldown_ms`,
        );
      } else {
        this.#law(
          t.cooldownUntil === null,
          `${label} at ${now}: only a transition into open has a cooldown_until`,
        );
      }
      this.#told = t.to as LawState["kind"];
    }
    this.#law(
      this.#subject.state().kind === this.#told,
      `${label} at ${now}: the state (${this.#subject.state().kind}) is not where the transitions left it (${this.#told})`,
    );
  }

  #law(ok: boolean, what: string): void {
    if (!ok) throw new BreakerLawError(`${this.#subject.name} breaker broke a law — ${what}`);
  }
}
