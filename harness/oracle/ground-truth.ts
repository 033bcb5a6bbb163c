import type { Violation } from "../check/violation-collector.ts";
import { checkCompleteness } from "./ground-truth-completeness.ts";
import { checkFailures } from "./ground-truth-failures.ts";
import { checkLeaks } from "./ground-truth-leaks.ts";
import type { NumberedAuditLine, TruthCall } from "./ground-truth-types.ts";

export type { NumberedAuditLine, TruthCall } from "./ground-truth-types.ts";
export type { RetryAfterForms, ExpectedWait } from "./ground-truth-retry-after.ts";
export { expectedRetryAfter } from "./ground-truth-retry-after.ts";

/** Everything the ground-truth cross-check reads: the engine's audit and what the harness and fleet really did. */
export interface GroundTruthInput {
  readonly audit: readonly NumberedAuditLine[];
  /** The fleet's record of every provider call, in arrival order. */
  readonly calls: readonly TruthCall[];
  /** How many requests the harness sent. */
  readonly requestCount: number;
  /** The prompt text of every request sent (duplicates allowed). */
  readonly prompts: readonly string[];
  /** The fleet's API keys. */
  readonly secrets: readonly string[];
  /** `retry_after_cap_ms` for an agent, from the judge's own reading of the scenario's config. */
  readonly retryAfterCapMs: (agent: string) => number;
}

/** Splits an audit log into numbered lines, parsing each JSON object (blank lines are skipped). */
export function numberAuditLines(text: string): NumberedAuditLine[] {
  const out: NumberedAuditLine[] = [];
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    let record: Readonly<Record<string, unknown>> | null = null;
    try {
      const value: unknown = JSON.parse(raw);
      if (typeof value === "object" && value !== null && !Array.isArray(value))
        record = value as Record<string, unknown>;
    } catch {
      // The checker reports unparseable lines; here they are searched as text for leaks.
    }
    out.push({ line: i + 1, text: raw, record });
  });
  return out;
}

/**
 * SPEC §10.2: judges the audit against ground truth rather than the engine's word — each failure's
 * reason, status and Retry-After against what the fleet injected; no fleet key or prompt in any line; and,
 * for an audit-writing engine, a `fallback_request` and exactly one terminal line for every request sent.
 * Pure: violations in log order within each check, failures first.
 */
export function checkGroundTruth(input: GroundTruthInput): Violation[] {
  return [
    ...checkFailures(input.audit, input.calls, { retryAfterCapMs: input.retryAfterCapMs }),
    ...checkLeaks(input.audit, input.secrets, input.prompts),
    ...checkCompleteness(input.audit, input.requestCount),
  ];
}
