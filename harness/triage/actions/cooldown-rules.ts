import type { EngineConfig } from "../../../src/index.ts";
import { humanDuration } from "../human-duration.ts";
import { TRIAGE_THRESHOLDS } from "../thresholds.ts";
import type { BreakerFindings, SuggestedAction, TriageAnalysis } from "../triage-findings.ts";
import { settingChanges } from "./config-paths.ts";
import { percent, type TriageRule } from "./triage-rule.ts";

const R = TRIAGE_THRESHOLDS.reduceCooldown;
const L = TRIAGE_THRESHOLDS.lengthenCooldown;

/** Probes are half-open attempts: each one either closed the circuit or reopened it. */
function probesOf(b: BreakerFindings): number {
  return b.reopened + b.closed;
}

function agentsOf(analysis: TriageAnalysis, model: string): readonly string[] {
  return analysis.models.find((m) => m.model === model)?.agents ?? [];
}

/** The cooldown the log or the config says the model ran with; null if neither says. */
function cooldownOf(
  b: BreakerFindings,
  analysis: TriageAnalysis,
  config: EngineConfig | undefined,
): number | null {
  if (config === undefined) return b.observedCooldownMs;
  const changes = settingChanges(
    config,
    agentsOf(analysis, b.model),
    ["circuit_breaker", "cooldown_ms"],
    null,
    (v) => v,
  );
  const values = changes.map((c) => c.current).filter((v): v is number => typeof v === "number");
  return values.length === 0 ? null : Math.min(...values);
}

function breakerEvidence(b: BreakerFindings): string[] {
  const out = [
    `${b.model}: ${b.opened} opening(s), ${probesOf(b)} probe(s) — ${b.closed} closed the circuit, ${b.reopened} reopened it; not closed for ${humanDuration(b.notClosedMs)} in all`,
  ];
  if (b.longestSpell !== null)
    out.push(
      `longest spell ${humanDuration(b.longestSpell.durationMs)} from line ${b.longestSpell.openedLine}${b.longestSpell.closedLine === null ? " (still open at the end of the log)" : ` to line ${b.longestSpell.closedLine}`}, ${b.longestSpell.reopens} failed probe(s) in it`,
    );
  if (b.observedCooldownMs !== null)
    out.push(`cooldown as the log shows it (cooldown_until − ts): ${humanDuration(b.observedCooldownMs)}`);
  return out;
}

const round = (ms: number): number => Math.round(ms / 1_000) * 1_000;

/** Recover 2: circuits that stay open for long while the first probe after the cooldown succeeds. */
export const reduceCooldown: TriageRule = {
  id: "reduce-cooldown",
  step: "Recover 2: reduce cooldown or increase chain breadth",
  threshold: `a circuit with a cooldown of at least ${humanDuration(R.minSpellMs)} closed on its first probe in ≥ ${percent(R.minShare)} of its probes (at least once); suggested: the cooldown ÷ ${R.divisor}, not below ${humanDuration(R.floorMs)}`,
  suggest(analysis, config) {
    const actions: SuggestedAction[] = [];
    for (const b of analysis.breakers) {
      const probes = probesOf(b);
      if (b.firstProbeRecoveries === 0 || b.firstProbeRecoveries / probes < R.minShare) continue;
      // Without a known cooldown the spell itself is the best estimate (it includes idle time before the probe).
      const cooldown = cooldownOf(b, analysis, config) ?? b.longestFirstProbeRecoveryMs ?? 0;
      if (cooldown < R.minSpellMs) continue;
      const suggest = (current: number): number => Math.max(R.floorMs, round(current / R.divisor));
      actions.push({
        id: "reduce-cooldown",
        step: reduceCooldown.step,
        title: `Shorten the cooldown of ${b.model}: its circuit stayed open while the provider was already back`,
        model: b.model,
        agent: null,
        threshold: reduceCooldown.threshold,
        evidence: [
          `${b.firstProbeRecoveries} of ${probes} probe(s) closed the circuit at once (the longest such spell lasted ${humanDuration(b.longestFirstProbeRecoveryMs ?? 0)}); a shorter cooldown costs at most one failed attempt per probe`,
          ...breakerEvidence(b),
        ],
        changes: settingChanges(
          config,
          agentsOf(analysis, b.model),
          ["circuit_breaker", "cooldown_ms"],
          b.observedCooldownMs,
          suggest,
        ),
      });
    }
    return actions;
  },
};

/** Diagnose 2: a flapping circuit — most probes fail and reopen it, each costing a request a failed attempt. */
export const lengthenCooldown: TriageRule = {
  id: "lengthen-cooldown",
  step: "Diagnose 2: inspect circuit thresholds/cooldown values",
  threshold: `at least ${L.minReopens} open → half_open → open cycles, making ≥ ${percent(L.minFailedProbeShare)} of the circuit's probes; suggested: ${L.factor}× the cooldown (or move the model later in the chain)`,
  suggest(analysis, config) {
    const actions: SuggestedAction[] = [];
    for (const b of analysis.breakers) {
      const probes = probesOf(b);
      if (b.reopened < L.minReopens || b.reopened / probes < L.minFailedProbeShare) continue;
      actions.push({
        id: "lengthen-cooldown",
        step: lengthenCooldown.step,
        title: `Lengthen the cooldown of flapping ${b.model} (or move it later in the chain)`,
        model: b.model,
        agent: null,
        threshold: lengthenCooldown.threshold,
        evidence: [
          `${b.reopened} of ${probes} probe(s) failed and reopened the circuit (${percent(b.reopened / probes)}); ${b.transitionsPerHour === null ? "" : `${b.transitionsPerHour.toFixed(1)} transitions per hour; `}state at the end of the log: ${b.stateAtEnd}`,
          ...breakerEvidence(b),
        ],
        changes: settingChanges(
          config,
          agentsOf(analysis, b.model),
          ["circuit_breaker", "cooldown_ms"],
          b.observedCooldownMs,
          (v) => v * L.factor,
        ),
      });
    }
    return actions;
  },
};
