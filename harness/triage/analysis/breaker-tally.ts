import type { AuditLine } from "../../oracle/audit-schema.ts";
import { parseIsoMillis } from "../../oracle/audit-schema.ts";
import type { TimeBuckets } from "../stats/time-buckets.ts";
import type { BreakerFindings, BreakerSpell } from "../triage-findings.ts";

type CircuitState = "closed" | "open" | "half_open";
type Transition = Extract<AuditLine, { event: "circuit_transition" }>;

interface Spell {
  readonly openedLine: number;
  readonly openedMs: number;
  reopens: number;
}

interface ModelBreaker {
  state: CircuitState;
  sinceMs: number;
  transitions: number;
  opened: number;
  halfOpened: number;
  reopened: number;
  closed: number;
  notClosedMs: number;
  spell: Spell | null;
  longestSpell: BreakerSpell | null;
  firstProbeRecoveries: number;
  longestFirstProbeRecoveryMs: number | null;
  closedSpells: number;
  observedCooldownMs: number | null;
}

/** The timeline series of a model's state. */
export function breakerSeries(state: "open" | "half_open", model: string): string {
  return `${state}\u0000${model}`;
}

function longer(a: BreakerSpell | null, b: BreakerSpell): BreakerSpell {
  return a === null || b.durationMs > a.durationMs ? b : a;
}

/**
 * Per model, the circuit as the log tells it: spells from closed → open until closed again, flapping
 * (open → half_open → open cycles), time not closed, and first-probe recoveries (a spell that closed on its
 * first probe: the provider was back before the cooldown ended). States are drawn into the shared buckets.
 * A transition is trusted for its `from` state, so a missing line costs accuracy, never a crash.
 */
export class BreakerTally {
  readonly #models = new Map<string, ModelBreaker>();

  constructor(private readonly timeline: TimeBuckets) {}

  feed(audit: Transition, line: number, ms: number, logStartMs: number): void {
    let breaker = this.#models.get(audit.model);
    if (breaker === undefined) {
      // Whatever state the first transition leaves, the circuit was in it since the log began.
      breaker = {
        state: audit.from,
        sinceMs: Math.min(logStartMs, ms),
        transitions: 0,
        opened: 0,
        halfOpened: 0,
        reopened: 0,
        closed: 0,
        notClosedMs: 0,
        spell: null,
        longestSpell: null,
        firstProbeRecoveries: 0,
        longestFirstProbeRecoveryMs: null,
        closedSpells: 0,
        observedCooldownMs: null,
      };
      if (audit.from !== "closed")
        breaker.spell = { openedLine: line, openedMs: breaker.sinceMs, reopens: 0 };
      this.#models.set(audit.model, breaker);
    }
    this.#account(audit.model, breaker, audit.from, ms);
    breaker.transitions += 1;
    if (audit.to === "open") {
      const until = audit.cooldown_until === null ? undefined : parseIsoMillis(audit.cooldown_until);
      if (until !== undefined && until >= ms)
        breaker.observedCooldownMs = Math.min(breaker.observedCooldownMs ?? Infinity, until - ms);
      if (audit.from === "half_open") {
        breaker.reopened += 1;
        breaker.spell ??= { openedLine: line, openedMs: ms, reopens: 0 };
        breaker.spell.reopens += 1;
      } else {
        breaker.opened += 1;
        breaker.spell = { openedLine: line, openedMs: ms, reopens: 0 };
      }
    } else if (audit.to === "half_open") {
      breaker.halfOpened += 1;
    } else if (audit.from !== "closed") {
      breaker.closed += 1;
      const spell = breaker.spell ?? { openedLine: line, openedMs: ms, reopens: 0 };
      const durationMs = Math.max(0, ms - spell.openedMs);
      breaker.closedSpells += 1;
      if (spell.reopens === 0) {
        breaker.firstProbeRecoveries += 1;
        breaker.longestFirstProbeRecoveryMs = Math.max(breaker.longestFirstProbeRecoveryMs ?? 0, durationMs);
      }
      breaker.longestSpell = longer(breaker.longestSpell, {
        openedLine: spell.openedLine,
        openedTs: new Date(spell.openedMs).toISOString(),
        closedLine: line,
        durationMs,
        reopens: spell.reopens,
      });
      breaker.spell = null;
    }
    breaker.state = audit.to;
    breaker.sinceMs = ms;
  }

  /** Books the time since the last transition to the state the circuit was in. */
  #account(model: string, breaker: ModelBreaker, state: CircuitState, ms: number): void {
    if (state === "closed" || !(ms > breaker.sinceMs)) return;
    breaker.notClosedMs += ms - breaker.sinceMs;
    this.timeline.addSpan(breakerSeries(state, model), breaker.sinceMs, ms);
  }

  /** Closes the books at the log's last time: a circuit still open stays open to the end. */
  finish(logEndMs: number, spanMs: number): BreakerFindings[] {
    return [...this.#models.entries()]
      .map(([model, b]): BreakerFindings => {
        this.#account(model, b, b.state, logEndMs);
        const ongoing =
          b.spell === null
            ? null
            : {
                openedLine: b.spell.openedLine,
                openedTs: new Date(b.spell.openedMs).toISOString(),
                closedLine: null,
                durationMs: Math.max(0, logEndMs - b.spell.openedMs),
                reopens: b.spell.reopens,
              };
        return {
          model,
          transitions: b.transitions,
          opened: b.opened,
          halfOpened: b.halfOpened,
          reopened: b.reopened,
          closed: b.closed,
          notClosedMs: b.notClosedMs,
          longestSpell: ongoing === null ? b.longestSpell : longer(b.longestSpell, ongoing),
          firstProbeRecoveries: b.firstProbeRecoveries,
          longestFirstProbeRecoveryMs: b.longestFirstProbeRecoveryMs,
          closedSpells: b.closedSpells,
          stateAtEnd: b.state,
          transitionsPerHour: spanMs >= 1_000 ? (b.transitions * 3_600_000) / spanMs : null,
          observedCooldownMs: b.observedCooldownMs,
        };
      })
      .sort((a, b) => b.transitions - a.transitions || (a.model < b.model ? -1 : 1));
  }
}
