import { humanDuration } from "../human-duration.ts";
import { TRIAGE_THRESHOLDS } from "../thresholds.ts";
import type { SuggestedAction } from "../triage-findings.ts";
import { settingChanges, settingsOf } from "./config-paths.ts";
import { requestList, tally, type TriageRule } from "./triage-rule.ts";

const RA = TRIAGE_THRESHOLDS.retryAfter;
const MR = TRIAGE_THRESHOLDS.maxRetries;

const minute = (ms: number): number => Math.ceil(ms / 60_000) * 60_000;

/** Recover 2 (a wait instead of a trip): quotas that were only long Retry-Afters. */
export const raiseRetryAfterCap: TriageRule = {
  id: "raise-retry-after-cap",
  step: "Diagnose 2: inspect circuit thresholds/cooldown values",
  threshold: `at least ${RA.minFailures} quota_exhausted failure with a Retry-After above retry_after_cap_ms; when their p95 Retry-After is at most ${humanDuration(RA.worthWaitingMs)} the cap is raised to cover it, otherwise it is a real quota`,
  suggest(analysis, config) {
    const actions: SuggestedAction[] = [];
    for (const m of analysis.models) {
      const ra = m.quotaRetryAfter;
      if (ra.count < RA.minFailures || ra.maxMs === null || ra.p95Ms === null) continue;
      const caps = (m.agents.length === 0 ? ["default"] : m.agents).map(
        (a) => settingsOf(config, a).retry_after_cap_ms,
      );
      const cap = Math.min(...caps);
      if (ra.maxMs <= cap) continue;
      const worthWaiting = ra.p95Ms <= RA.worthWaitingMs;
      const quota = m.byReason.find((r) => r.reason === "quota_exhausted");
      const evidence = [
        `${ra.count} quota_exhausted failure(s) on ${m.model} carried a Retry-After: p50 ${humanDuration(ra.p50Ms ?? 0)}, p95 ${humanDuration(ra.p95Ms)}, max ${humanDuration(ra.maxMs)}; the cap is ${humanDuration(cap)}`,
        ...(quota === undefined
          ? []
          : [`lines ${quota.firstLine}–${quota.lastLine}; actions ${tally(quota.actions)}`]),
      ];
      actions.push({
        id: "raise-retry-after-cap",
        step: raiseRetryAfterCap.step,
        title: worthWaiting
          ? `Raise retry_after_cap_ms so ${m.model}'s Retry-After is waited for instead of tripping its circuit`
          : `Check the ${m.model.split("/")[0] ?? m.model} quota or billing: its Retry-After is too long to wait for`,
        model: m.model,
        agent: null,
        threshold: raiseRetryAfterCap.threshold,
        evidence,
        changes: worthWaiting
          ? settingChanges(config, m.agents, ["retry_after_cap_ms"], null, (current) =>
              Math.max(current, minute(ra.p95Ms ?? current)),
            )
          : [],
      });
    }
    return actions;
  },
};

/** Recover 2 (more tries on the same model): requests that failed on a retryable reason once retries ran out. */
export const raiseMaxRetries: TriageRule = {
  id: "raise-max-retries",
  step: "Diagnose 2: inspect circuit thresholds/cooldown values",
  threshold: `at least ${MR.minRequests} request(s) ended in error on a retryable reason (rate_limit, overloaded, network) after its retries ran out`,
  suggest(analysis, config) {
    const actions: SuggestedAction[] = [];
    for (const agent of analysis.agents) {
      const ran = agent.retriesRanOut;
      if (ran.count < MR.minRequests) continue;
      actions.push({
        id: "raise-max-retries",
        step: raiseMaxRetries.step,
        title: `Raise max_retries for ${agent.agent}: its requests gave up on retryable errors`,
        model: null,
        agent: agent.agent,
        threshold: raiseMaxRetries.threshold,
        evidence: [
          `${ran.count} request(s) of ${agent.agent} ended in error on ${tally(ran.byReason)} with every retry used`,
          `for example ${requestList(ran.examples)}`,
        ],
        changes: settingChanges(config, [agent.agent], ["max_retries"], null, (current) => current + 1),
      });
    }
    return actions;
  },
};
