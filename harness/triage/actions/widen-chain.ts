import { TRIAGE_THRESHOLDS } from "../thresholds.ts";
import type { SuggestedAction } from "../triage-findings.ts";
import { chainLocation } from "./config-paths.ts";
import { requestList, tally, type TriageRule } from "./triage-rule.ts";

const W = TRIAGE_THRESHOLDS.widenChain;

function providersOf(chain: readonly string[]): string[] {
  // SPEC §1: the provider is the first segment of a model id.
  return [...new Set(chain.map((m) => m.split("/")[0] ?? m))];
}

/** Recover 2: requests ran out of chain — every model was tried or skipped and none served. */
export const widenChain: TriageRule = {
  id: "widen-chain",
  step: "Recover 2: reduce cooldown or increase chain breadth",
  threshold: `at least ${W.minRequests} request(s) ended in error after every model of the chain was tried or skipped (or all_open), for a reason another model could serve (not a fail-class reason, not the deadline)`,
  suggest(analysis, config) {
    const byPath = new Map<string, SuggestedAction>();
    for (const agent of analysis.agents) {
      const exhausted = agent.chainExhausted;
      if (exhausted.count < W.minRequests) continue;
      const location = chainLocation(analysis, config, agent.agent);
      const chain = location?.chain ?? agent.chain ?? [];
      const providers = providersOf(chain);
      const evidence = [
        `${exhausted.count} request(s) of ${agent.agent} ended in error with the whole chain [${chain.join(", ")}] tried or skipped: ${tally(exhausted.byReason)}`,
        `for example ${requestList(exhausted.examples)}`,
      ];
      const key = location?.path ?? `agent:${agent.agent}`;
      const earlier = byPath.get(key);
      if (earlier !== undefined) {
        byPath.set(key, { ...earlier, evidence: [...earlier.evidence, ...evidence] });
        continue;
      }
      byPath.set(key, {
        id: "widen-chain",
        step: widenChain.step,
        title: `Add a model from another provider to ${agent.agent}'s chain`,
        model: null,
        agent: agent.agent,
        threshold: widenChain.threshold,
        evidence,
        changes:
          location === null
            ? []
            : [
                {
                  path: location.path,
                  current: location.chain,
                  suggested: `append a model of a provider not in the chain yet (the chain has ${providers.join(", ")})`,
                  currentFrom: location.from,
                },
              ],
      });
    }
    return [...byPath.values()];
  },
};
