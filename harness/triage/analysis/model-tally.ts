import type { AuditLine } from "../../oracle/audit-schema.ts";
import { QuantileSketch } from "../stats/quantile-sketch.ts";
import type { LineRange, ModelFindings, ReasonTally } from "../triage-findings.ts";

/** The `fallback_model_skipped` reasons of SPEC §8, always listed (zeros included) so the JSON shape is fixed. */
const SKIP_REASONS = ["circuit_open", "half_open_busy", "invalid", "deadline"] as const;

interface MutableReason {
  count: number;
  readonly statuses: Map<string, number>;
  readonly actions: Map<string, number>;
  readonly firstLine: number;
  lastLine: number;
}

interface ModelTallyEntry {
  attemptLines: number;
  successes: number;
  failures: number;
  readonly skipped: Map<string, number>;
  readonly reasons: Map<string, MutableReason>;
  run: LineRange | null;
  lastOutcome: "success" | "failure" | null;
  longestRun: LineRange | null;
  firstFailureLine: number | null;
  /** Agents whose requests touched this model (a handful; capped). */
  readonly agents: Set<string>;
  readonly quotaRetryAfter: QuantileSketch;
}

const AGENTS_PER_MODEL_CAP = 32;

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function sortedRecord(map: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Per model: attempts, successes, failures by reason (with their statuses and actions), skips by reason,
 * and the longest run of failures with no success between — the runbook's "repeated fallback_failure /
 * fallback_model_skipped entries". Memory grows with the number of models and reasons, never with lines.
 */
export class ModelTally {
  readonly #models = new Map<string, ModelTallyEntry>();

  #entry(model: string): ModelTallyEntry {
    let entry = this.#models.get(model);
    if (entry === undefined) {
      entry = {
        attemptLines: 0,
        successes: 0,
        failures: 0,
        skipped: new Map(),
        reasons: new Map(),
        run: null,
        lastOutcome: null,
        longestRun: null,
        firstFailureLine: null,
        agents: new Set(),
        quotaRetryAfter: new QuantileSketch(),
      };
      this.#models.set(model, entry);
    }
    return entry;
  }

  feed(audit: AuditLine, line: number): void {
    switch (audit.event) {
      case "fallback_attempt": {
        const entry = this.#entry(audit.model);
        entry.attemptLines += 1;
        if (entry.agents.size < AGENTS_PER_MODEL_CAP) entry.agents.add(audit.agent);
        return;
      }
      case "fallback_success": {
        const entry = this.#entry(audit.model);
        entry.successes += 1;
        entry.run = null;
        entry.lastOutcome = "success";
        return;
      }
      case "fallback_failure": {
        const entry = this.#entry(audit.model);
        entry.failures += 1;
        entry.lastOutcome = "failure";
        entry.firstFailureLine ??= line;
        const reason = entry.reasons.get(audit.reason) ?? {
          count: 0,
          statuses: new Map(),
          actions: new Map(),
          firstLine: line,
          lastLine: line,
        };
        reason.count += 1;
        reason.lastLine = line;
        bump(reason.statuses, audit.status === null ? "none" : String(audit.status));
        bump(reason.actions, audit.action);
        entry.reasons.set(audit.reason, reason);
        if (audit.reason === "quota_exhausted" && audit.retry_after_ms !== null)
          entry.quotaRetryAfter.add(audit.retry_after_ms);
        entry.run =
          entry.run === null
            ? { count: 1, fromLine: line, toLine: line }
            : { ...entry.run, count: entry.run.count + 1, toLine: line };
        if (entry.longestRun === null || entry.run.count > entry.longestRun.count)
          entry.longestRun = entry.run;
        return;
      }
      case "fallback_model_skipped": {
        const entry = this.#entry(audit.model);
        bump(entry.skipped, audit.reason);
        if (entry.agents.size < AGENTS_PER_MODEL_CAP) entry.agents.add(audit.agent);
        return;
      }
      case "fallback_request":
        for (const model of audit.chain) {
          const entry = this.#entry(model);
          if (entry.agents.size < AGENTS_PER_MODEL_CAP) entry.agents.add(audit.agent);
        }
        return;
      case "circuit_transition":
      case "fallback_promoted":
      case "fallback_exhausted":
        return;
      default: {
        const never: never = audit;
        return never;
      }
    }
  }

  finish(): ModelFindings[] {
    return [...this.#models.entries()]
      .map(([model, e]): ModelFindings => {
        // A log without attempt lines (an OpenCode subset) still has outcomes: each is an attempt.
        const attempts = Math.max(e.attemptLines, e.successes + e.failures);
        const byReason = [...e.reasons.entries()]
          .map(([reason, r]): ReasonTally => ({
            reason,
            count: r.count,
            statuses: sortedRecord(r.statuses),
            actions: sortedRecord(r.actions),
            firstLine: r.firstLine,
            lastLine: r.lastLine,
          }))
          .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
        const skipped = Object.fromEntries(
          SKIP_REASONS.map((reason) => [reason, e.skipped.get(reason) ?? 0]),
        );
        return {
          model,
          attempts,
          successes: e.successes,
          failures: e.failures,
          failureShare: attempts === 0 ? null : e.failures / attempts,
          skipped,
          skippedTotal: [...e.skipped.values()].reduce((n, c) => n + c, 0),
          byReason,
          longestFailureRun: e.longestRun,
          lastOutcome: e.lastOutcome,
          firstFailureLine: e.firstFailureLine,
          quotaRetryAfter: e.quotaRetryAfter.stats(),
          agents: [...e.agents].sort(),
        };
      })
      .sort(
        (a, b) => b.failures - a.failures || b.skippedTotal - a.skippedTotal || (a.model < b.model ? -1 : 1),
      );
  }
}
