import type { RuleId } from "../check/rules.ts";
import type { Violation } from "../check/violation-collector.ts";
import type { RetryAfterForms } from "./ground-truth-retry-after.ts";

/** One line of an audit log with its 1-based number: parsed when it is a JSON object, else `record` is null. */
export interface NumberedAuditLine {
  readonly line: number;
  readonly text: string;
  readonly record: Readonly<Record<string, unknown>> | null;
}

/**
 * One provider call as the fleet recorded it: what it really sent (SPEC §10.2). The ground-truth fields
 * are optional so a fleet that records less is judged on what it gives; an absent field is not checked.
 */
export interface TruthCall {
  readonly id: string;
  /** Arrival on the fleet clock, epoch ms. */
  readonly at: number;
  /** `provider/model`. */
  readonly model: string;
  /** HTTP status sent, or null when no status line was sent. */
  readonly status?: number | null;
  /** How the answer ended: `ok`, `error`, `network_error`, `aborted` (the client left first), `pending`, … */
  readonly outcome?: string;
  /** The SPEC §3 reason the answer carried, or null (a success, or no single reason). */
  readonly reason?: string | null;
  readonly retry_after?: RetryAfterForms;
}

/** Builds a violation in the checker's shape. */
export function violation(
  rule: RuleId,
  line: number,
  message: string,
  at: { requestId?: string | null; model?: string | null; text?: string } = {},
): Violation {
  return {
    rule,
    line,
    message,
    requestId: at.requestId ?? null,
    model: at.model ?? null,
    text: (at.text ?? "").slice(0, 300),
    context: [],
  };
}

/** A string field of a record, or undefined. */
export function str(record: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = record[key];
  return typeof value === "string" ? value : undefined;
}
