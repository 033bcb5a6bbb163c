import { TRIAGE_THRESHOLDS } from "../thresholds.ts";
import type { ModelFindings, SuggestedAction } from "../triage-findings.ts";
import { chainLocation } from "./config-paths.ts";
import { percent, tally, type TriageRule } from "./triage-rule.ts";

const T = TRIAGE_THRESHOLDS.reorder;

/**
 * Failing: most of its attempts failed, and it had not recovered by the end of the log (its last outcome
 * was a failure, or its circuit was not closed). An outage the breaker rode out and that ended with the
 * model serving again is a matter for the cooldown, not for the order.
 */
function isFailing(m: ModelFindings | undefined, stillDown: ReadonlySet<string>): m is ModelFindings {
  return (
    m !== undefined &&
    m.attempts >= T.failingMinAttempts &&
    (m.failureShare ?? 0) >= T.failingShare &&
    (m.lastOutcome !== "success" || stillDown.has(m.model))
  );
}

function isHealthy(m: ModelFindings | undefined): m is ModelFindings {
  return (
    m !== undefined &&
    m.attempts >= T.healthyMinAttempts &&
    m.failureShare !== null &&
    m.failureShare <= T.healthyShare
  );
}

/**
 * The chain with every failing model moved just behind the last healthy model that followed it; the rest
 * keep their order. Moving a failing model to the very end would also demote it behind models with no
 * evidence either way, which the log does not justify.
 */
export function demoteFailing(
  chain: readonly string[],
  health: ReadonlyMap<string, ModelFindings>,
  stillDown: ReadonlySet<string>,
): string[] {
  const result = [...chain];
  for (const model of chain) {
    if (!isFailing(health.get(model), stillDown)) continue;
    const at = result.indexOf(model);
    let lastHealthy = -1;
    for (let k = at + 1; k < result.length; k += 1)
      if (isHealthy(health.get(result[k] as string))) lastHealthy = k;
    if (lastHealthy < 0) continue;
    result.splice(at, 1);
    result.splice(lastHealthy, 0, model);
  }
  return result;
}

function describe(m: ModelFindings): string {
  const reasons = Object.fromEntries(m.byReason.map((r) => [r.reason, r.count]));
  const where = m.firstFailureLine === null ? "" : `, first at line ${m.firstFailureLine}`;
  const last = m.lastOutcome === null ? "" : `; its last outcome was a ${m.lastOutcome}`;
  return `${m.model} failed ${m.failures} of ${m.attempts} attempts (${percent(m.failureShare ?? 0)})${m.failures > 0 ? `: ${tally(reasons)}${where}` : ""}${m.skippedTotal > 0 ? `; skipped ${m.skippedTotal} time(s)` : ""}${last}`;
}

/** Recover 1: a model that fails most of its attempts sits before a healthier one. */
export const reorderChain: TriageRule = {
  id: "reorder-chain",
  step: "Recover 1: reorder agent.<name>.models to healthier candidates",
  threshold: `a model failing ≥ ${percent(T.failingShare)} of at least ${T.failingMinAttempts} attempts, and not recovered by the end of the log (last outcome a failure, or circuit not closed), sits before a model failing ≤ ${percent(T.healthyShare)} of at least ${T.healthyMinAttempts}`,
  suggest(analysis, config) {
    const health = new Map(analysis.models.map((m) => [m.model, m]));
    const stillDown = new Set(analysis.breakers.filter((b) => b.stateAtEnd !== "closed").map((b) => b.model));
    const byPath = new Map<string, SuggestedAction>();
    for (const { agent } of analysis.agents) {
      const location = chainLocation(analysis, config, agent);
      if (location === null) continue;
      const proposed = demoteFailing(location.chain, health, stillDown);
      if (proposed.every((m, i) => m === location.chain[i])) continue;
      const existing = byPath.get(location.path);
      if (existing !== undefined) continue;
      const moved = location.chain.filter(
        (m) => isFailing(health.get(m), stillDown) && proposed.indexOf(m) !== location.chain.indexOf(m),
      );
      const ahead = proposed.filter(
        (m) => isHealthy(health.get(m)) && proposed.indexOf(m) < location.chain.indexOf(m),
      );
      const evidence = [
        ...moved.map((m) => describe(health.get(m) as ModelFindings)),
        ...ahead.map((m) => describe(health.get(m) as ModelFindings)),
        ...(location.sharedWith.length > 0
          ? [`${location.path} is also the chain of ${location.sharedWith.join(", ")}`]
          : []),
      ];
      byPath.set(location.path, {
        id: "reorder-chain",
        step: reorderChain.step,
        title: `Move ${moved.join(", ")} behind ${ahead.join(", ")} in ${agent}'s chain`,
        model: moved[0] ?? null,
        agent,
        threshold: reorderChain.threshold,
        evidence,
        changes: [
          { path: location.path, current: location.chain, suggested: proposed, currentFrom: location.from },
        ],
      });
    }
    return [...byPath.values()];
  },
};
