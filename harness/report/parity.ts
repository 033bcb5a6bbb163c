import type { RuleId } from "../check/rules.ts";
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

function claimed(outcomes: readonly ScenarioOutcome[], id: DecisionId): { pass: string[]; fail: string[] } {
  const mine = outcomes.filter((o) => o.scenario.expect.parity.includes(id));
  return {
    pass: mine.filter((o) => o.verdict.verdict === "pass").map((o) => o.scenario.id),
    fail: mine.filter((o) => o.verdict.verdict === "fail").map((o) => o.scenario.id),
  };
}

function list(ids: readonly string[], max = 6): string {
  return ids.length <= max ? ids.join(", ") : `${ids.slice(0, max).join(", ")} and ${ids.length - max} more`;
}

/** The decision parity matrix of SPEC §9, computed from scenario, checker and extra evidence. */
export function parityMatrix(outcomes: readonly ScenarioOutcome[], extra: ExtraEvidence = {}): ParityRow[] {
  return (Object.keys(DECISIONS) as DecisionId[]).map((id) => {
    const evidence: string[] = [];
    let failed = false;
    let partial = false;
    const { pass, fail } = claimed(outcomes, id);
    if (pass.length > 0) evidence.push(`${pass.length} scenario(s) pass: ${list(pass)}`);
    if (fail.length > 0) {
      failed = true;
      evidence.push(`${fail.length} scenario(s) FAIL: ${list(fail)}`);
    }
    const rules = ruleCounts(outcomes, RULES_OF[id]);
    if (RULES_OF[id].length > 0) {
      if (rules.total > 0) {
        failed = true;
        evidence.push(
          `${rules.total} audit violation(s) of this decision's invariants; first: ${rules.first ?? ""}`,
        );
      } else {
        evidence.push(
          `0 violations of ${RULES_OF[id].length} checker invariants over ${outcomes.length} audit log(s)`,
        );
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
        const compaction = outcomes.filter((o) => o.scenario.compaction);
        if (compaction.length === 0) {
          partial = true;
          evidence.push("no scenario exercised a compaction hook");
        } else evidence.push(`compaction exercised by ${list(compaction.map((o) => o.scenario.id))}`);
        break;
      }
      case "DECISION_118": {
        const dirty = outcomes.filter((o) => !o.verdict.check.ok);
        const unmatched = outcomes.filter((o) => o.verdict.crossCheck.length > 0);
        evidence.push(`${outcomes.length - dirty.length}/${outcomes.length} audit logs pass the checker`);
        evidence.push(
          `${outcomes.length - unmatched.length}/${outcomes.length} fleet logs match the audited attempts one to one`,
        );
        const reaudited = outcomes.filter((o) => o.reaudit !== null);
        evidence.push(
          reaudited.length === 0
            ? "re-audit: nothing failed, not required"
            : `re-audit: ${reaudited.length} failure(s) re-run with the same seed, ${reaudited.filter((o) => !o.reaudit?.deterministic).length} non-deterministic`,
        );
        if (dirty.length > 0 || unmatched.length > 0 || reaudited.some((o) => !o.reaudit?.deterministic))
          failed = true;
        if (dirty[0])
          evidence.push(
            `first: ${dirty[0].scenario.id}: ${dirty[0].verdict.reasons.find((r) => r.startsWith("audit line")) ?? ""}`,
          );
        break;
      }
      case "DECISION_121": {
        const requests = outcomes.reduce((n, o) => n + o.run.requests.length, 0);
        const hangs = outcomes.reduce((n, o) => n + o.verdict.hangs, 0);
        evidence.push(
          `${requests - hangs}/${requests} requests reached an outcome within their deadline; nothing waited for input`,
        );
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
    if (pass.length === 0 && fail.length === 0 && id !== "DECISION_118" && id !== "DECISION_121") {
      partial = true;
      evidence.push("no scenario claims this decision");
    }
    return { id, title: DECISIONS[id], status: failed ? "FAIL" : partial ? "PARTIAL" : "PASS", evidence };
  });
}
