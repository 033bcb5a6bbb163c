import type { RuleId } from "../check/rules.ts";
import { auditGiven } from "../runner/judge.ts";
import type { ScenarioOutcome } from "../runner/run-suite.ts";

/** The decisions of SPEC §9. */
export const DECISIONS = {
  DECISION_037: "classification + failover mechanics",
  DECISION_100: "core fallback assimilation",
  DECISION_118: "explicit audit gate",
  DECISION_121: "assume-yes, same-pass close",
  DECISION_126: "source-check order",
} as const;

/** A row id of the parity matrix. */
export type DecisionId = keyof typeof DECISIONS;

/** One row: a status and the evidence behind it. */
export interface ParityRow {
  readonly id: DecisionId;
  readonly title: string;
  readonly status: "PASS" | "PARTIAL" | "FAIL";
  readonly evidence: readonly string[];
}

/** Evidence from outside the scenarios (the labelled corpus, property runs), when the run has it. */
export interface ExtraEvidence {
  /** The labelled error corpus classified by the engine's classifier (reference engine only). */
  readonly corpus?: { readonly total: number; readonly exact: number; readonly firstMismatch: string | null };
}

/** Which checker rules bear on which decision. */
const RULES_OF: Readonly<Record<DecisionId, readonly RuleId[]>> = {
  DECISION_037: [
    "error-type-mismatch",
    "action-mismatch",
    "action-not-followed",
    "delay-mismatch",
    "backoff-out-of-bounds",
    "retry-after-ignored",
    "retry-after-over-cap",
    "wait-past-deadline",
    "wait-too-short",
  ],
  DECISION_100: [
    "compact-repeated",
    "breaker-transition-unexpected",
    "breaker-transition-missing",
    "breaker-transition-fields",
    "attempt-on-open-circuit",
    "half-open-probes-exceeded",
    "skip-unexpected",
    "all-open-policy",
    "promotion-misplaced",
    "success-flag-mismatch",
  ],
  DECISION_118: [],
  DECISION_121: [
    "request-unterminated",
    "deadline-exceeded",
    "terminal-not-last",
    "exhausted-attempts-mismatch",
    "exhausted-reason-mismatch",
    "exhausted-early",
    "attempts-over-bound",
  ],
  DECISION_126: ["chain-invalid", "chain-mismatch", "chain-order", "model-not-in-chain"],
};

/** The scenarios whose audit is evidence: the isolate reported, and the engine declared or wrote an audit. */
function audited(outcomes: readonly ScenarioOutcome[]): ScenarioOutcome[] {
  return outcomes.filter((o) => o.run.incomplete !== true && auditGiven(o.run));
}

/** Why the other scenarios' audits were not judged, one line, or null when every audit was. */
function unaudited(outcomes: readonly ScenarioOutcome[], judged: number): string | null {
  const died = outcomes.filter((o) => o.run.incomplete === true).length;
  const silent = outcomes.length - judged - died;
  if (silent + died === 0) return null;
  const parts = [
    ...(silent > 0 ? [`${silent} scenario(s) where the engine writes no SPEC §8 audit`] : []),
    ...(died > 0 ? [`${died} scenario(s) whose isolate died before it reported`] : []),
  ];
  return `not checked: ${parts.join(" and ")} (no audit evidence)`;
}

function ruleCounts(
  outcomes: readonly ScenarioOutcome[],
  rules: readonly RuleId[],
): { total: number; first: string | null } {
  let total = 0;
  let first: string | null = null;
  for (const o of outcomes) {
    for (const rule of rules) {
      const n = o.verdict.check.counts[rule] ?? 0;
      total += n;
      if (n > 0 && first === null) {
        const v = o.verdict.check.violations.find((x) => x.rule === rule);
        first = `${o.scenario.id}: audit line ${v?.line ?? "?"} [${rule}] ${v?.message ?? ""}`;
      }
    }
  }
  return { total, first };
}

/** The scenarios that claim a decision, by verdict: a pass with checks not made is partial, not pass. */
function claimed(
  outcomes: readonly ScenarioOutcome[],
  id: DecisionId,
): { pass: string[]; partial: string[]; fail: string[] } {
  const mine = outcomes.filter((o) => o.scenario.expect.parity.includes(id));
  const complete = (o: ScenarioOutcome): boolean => o.verdict.notChecked.length === 0;
  return {
    pass: mine.filter((o) => o.verdict.verdict === "pass" && complete(o)).map((o) => o.scenario.id),
    partial: mine.filter((o) => o.verdict.verdict === "pass" && !complete(o)).map((o) => o.scenario.id),
    fail: mine.filter((o) => o.verdict.verdict === "fail").map((o) => o.scenario.id),
  };
}

function list(ids: readonly string[], max = 6): string {
  return ids.length <= max ? ids.join(", ") : `${ids.slice(0, max).join(", ")} and ${ids.length - max} more`;
}

/**
 * The decision parity matrix of SPEC §9, computed from scenario, checker and extra evidence. A row is
 * PASS only on evidence that was gathered: where the audit is missing (an engine that writes none, an
 * isolate that died) or a scenario could not make all its checks, the row is PARTIAL and says why.
 */
export function parityMatrix(outcomes: readonly ScenarioOutcome[], extra: ExtraEvidence = {}): ParityRow[] {
  const withAudit = audited(outcomes);
  const missingAudit = unaudited(outcomes, withAudit.length);
  const reported = outcomes.filter((o) => o.run.incomplete !== true);
  return (Object.keys(DECISIONS) as DecisionId[]).map((id) => {
    const evidence: string[] = [];
    let failed = false;
    let partial = false;
    const { pass, partial: incomplete, fail } = claimed(outcomes, id);
    if (pass.length > 0) evidence.push(`${pass.length} scenario(s) pass: ${list(pass)}`);
    if (incomplete.length > 0) {
      partial = true;
      evidence.push(
        `${incomplete.length} scenario(s) pass with checks not made (see their not_checked): ${list(incomplete)}`,
      );
    }
    if (fail.length > 0) {
      failed = true;
      evidence.push(`${fail.length} scenario(s) FAIL: ${list(fail)}`);
    }
    if (RULES_OF[id].length > 0) {
      const rules = ruleCounts(withAudit, RULES_OF[id]);
      if (rules.total > 0) {
        failed = true;
        evidence.push(
          `${rules.total} audit violation(s) of this decision's invariants; first: ${rules.first ?? ""}`,
        );
      } else if (withAudit.length > 0) {
        evidence.push(
          `0 violations of ${RULES_OF[id].length} checker invariants over ${withAudit.length} audit log(s)`,
        );
      }
      if (missingAudit !== null) {
        partial = true;
        evidence.push(`checker invariants ${missingAudit}`);
      }
    }
    switch (id) {
      case "DECISION_037":
        if (extra.corpus) {
          evidence.push(
            `labelled error corpus: ${extra.corpus.exact}/${extra.corpus.total} classified exactly`,
          );
          if (extra.corpus.exact < extra.corpus.total) {
            failed = true;
            evidence.push(`first mismatch: ${extra.corpus.firstMismatch ?? "?"}`);
          }
        } else {
          partial = true;
          evidence.push(
            "the engine's classifier cannot be called directly: corpus not checked (behaviour is judged through scenarios)",
          );
        }
        break;
      case "DECISION_100": {
        const offered = outcomes.filter((o) => o.scenario.compaction);
        const used = offered.filter((o) => (o.run.compactions ?? 0) > 0);
        if (offered.length === 0) {
          partial = true;
          evidence.push("no scenario exercised a compaction hook");
        } else if (used.length === 0) {
          partial = true;
          evidence.push(
            `compaction not exercised: the hook was offered in ${list(offered.map((o) => o.scenario.id))} and never called`,
          );
        } else evidence.push(`compaction exercised by ${list(used.map((o) => o.scenario.id))}`);
        break;
      }
      case "DECISION_118": {
        const dirty = withAudit.filter((o) => !o.verdict.check.ok);
        const unmatched = withAudit.filter((o) => o.verdict.crossCheck.length > 0);
        if (withAudit.length > 0) {
          evidence.push(`${withAudit.length - dirty.length}/${withAudit.length} audit logs pass the checker`);
          evidence.push(
            `${withAudit.length - unmatched.length}/${withAudit.length} fleet logs match the audited attempts one to one`,
          );
        }
        if (missingAudit !== null) {
          partial = true;
          evidence.push(`audit gate ${missingAudit}`);
        }
        const reaudited = outcomes.filter((o) => o.reaudit !== null && o.reaudit.verdict !== null);
        const notRerun = outcomes.filter((o) => o.reaudit?.verdict === null);
        const flipped = reaudited.filter((o) => o.reaudit?.deterministic === false);
        // On real time a second run may differ by timing alone (load): not reproduced, not proven defective.
        const flippedVirtual = flipped.filter((o) => o.run.clock !== "real");
        evidence.push(
          reaudited.length + notRerun.length === 0
            ? "re-audit: nothing failed, not required"
            : `re-audit: ${reaudited.length} failure(s) re-run with the same seed, ${flipped.length} non-deterministic`,
        );
        if (notRerun.length > 0) {
          // The re-audit the decision asks for was not made for these: evidence missing, not a failure.
          partial = true;
          evidence.push(`${notRerun.length} real-time failure(s) not re-run (budget)`);
        }
        if (flipped.length > flippedVirtual.length) {
          partial = true;
          evidence.push(`${flipped.length - flippedVirtual.length} real-time failure(s) not reproduced`);
        }
        if (dirty.length > 0 || unmatched.length > 0 || flippedVirtual.length > 0) failed = true;
        if (dirty[0])
          evidence.push(
            `first: ${dirty[0].scenario.id}: ${dirty[0].verdict.reasons.find((r) => r.includes("audit line")) ?? ""}`,
          );
        break;
      }
      case "DECISION_121": {
        const requests = reported.reduce((n, o) => n + o.run.requests.length, 0);
        const hangs = reported.reduce((n, o) => n + o.verdict.hangs, 0);
        evidence.push(
          `${requests - hangs}/${requests} requests reached an outcome within their deadline; nothing waited for input`,
        );
        const died = outcomes.length - reported.length;
        if (died > 0) {
          partial = true;
          evidence.push(
            `not checked: ${died} scenario(s) whose isolate died before it reported (their requests are not counted)`,
          );
        }
        if (hangs > 0) failed = true;
        break;
      }
      case "DECISION_126":
        break;
      default: {
        const unreachable: never = id;
        return unreachable;
      }
    }
    if (
      pass.length + incomplete.length + fail.length === 0 &&
      id !== "DECISION_118" &&
      id !== "DECISION_121"
    ) {
      partial = true;
      evidence.push("no scenario claims this decision");
    }
    return { id, title: DECISIONS[id], status: failed ? "FAIL" : partial ? "PARTIAL" : "PASS", evidence };
  });
}
