import type { EngineConfig } from "../../../src/index.ts";
import type { RuleOutcome, SuggestedAction, TriageAnalysis } from "../triage-findings.ts";
import { checkCredentials } from "./check-credentials.ts";
import { lengthenCooldown, reduceCooldown } from "./cooldown-rules.ts";
import { keepAuditLog } from "./keep-audit-log.ts";
import { reorderChain } from "./reorder-chain.ts";
import { raiseMaxRetries, raiseRetryAfterCap } from "./retry-rules.ts";
import type { TriageRule } from "./triage-rule.ts";
import { widenChain } from "./widen-chain.ts";

/** The runbook's actions, in the order the report lists them: what to fix first, the log last. */
export const TRIAGE_RULES: readonly TriageRule[] = [
  checkCredentials,
  reorderChain,
  widenChain,
  reduceCooldown,
  lengthenCooldown,
  raiseRetryAfterCap,
  raiseMaxRetries,
  keepAuditLog,
];

/**
 * Runs every rule over the findings: the actions that fired, each with its evidence and the threshold it
 * crossed, and every rule's outcome (so "nothing to suggest" says what was checked). With `config`, the
 * actions name its real paths and values.
 */
export function suggestActions(
  analysis: TriageAnalysis,
  config: EngineConfig | undefined,
): { actions: SuggestedAction[]; rules: RuleOutcome[] } {
  const actions: SuggestedAction[] = [];
  const rules: RuleOutcome[] = [];
  for (const rule of TRIAGE_RULES) {
    const fired = rule.suggest(analysis, config);
    actions.push(...fired);
    rules.push({ id: rule.id, step: rule.step, threshold: rule.threshold, fired: fired.length });
  }
  return { actions, rules };
}
