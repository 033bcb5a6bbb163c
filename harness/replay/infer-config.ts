import type { AuditLine } from "../oracle/audit-schema.ts";
import { isOracleReason, rowOf } from "../oracle/action-table.ts";
import type { IncidentShape } from "./incident-calls.ts";

/**
 * An `opencode.json` that could have produced a log, for when the user has not given the real one. Chains
 * come from each agent's first request (later ones may be promoted); breaker settings from what the
 * transitions show; everything else keeps the SPEC §2 defaults. Each inference is explained in a note.
 */
export interface InferredConfig {
  readonly config: Record<string, unknown>;
  /** One sentence per setting that was read off the log. */
  readonly evidence: readonly string[];
}

function smallest(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : Math.min(...values);
}

export function inferConfig(shape: IncidentShape, lines: readonly AuditLine[]): InferredConfig {
  const evidence: string[] = [];
  const agents: Record<string, { model: string; models: string[] }> = {};
  for (const request of shape.requests) {
    if (agents[request.agent] !== undefined) continue;
    agents[request.agent] = { model: request.chain[0] ?? request.primary, models: [...request.chain] };
    evidence.push(
      `agent.${request.agent}.models = [${request.chain.join(", ")}] (its first request, line ${request.line})`,
    );
  }
  const cooldowns: number[] = [];
  const thresholds: number[] = [];
  let promoted = false;
  let servedByFallback = false;
  const fallbackAtRetry: number[] = [];
  for (const line of lines) {
    if (line.event === "circuit_transition" && line.to === "open" && line.cooldown_until !== null) {
      cooldowns.push(Date.parse(line.cooldown_until) - Date.parse(line.ts));
      if (line.from === "closed" && isOracleReason(line.cause) && rowOf(line.cause).effect === "failure")
        thresholds.push(line.failures);
    }
    if (line.event === "fallback_promoted") promoted = true;
    if (line.event === "fallback_success" && line.fallback) servedByFallback = true;
    // A retryable failure that moved on without a wait shows the retry budget was spent.
    if (
      line.event === "fallback_failure" &&
      line.action === "fallback" &&
      line.delay_ms === null &&
      isOracleReason(line.reason) &&
      rowOf(line.reason).action === "retry"
    ) {
      fallbackAtRetry.push(line.model_attempt - 1);
    }
  }
  const breaker: Record<string, number> = {};
  const cooldown = smallest(cooldowns.filter((ms) => ms > 0));
  if (cooldown !== undefined) {
    breaker.cooldown_ms = cooldown;
    evidence.push(`circuit_breaker.cooldown_ms = ${cooldown} (the shortest of ${cooldowns.length} openings)`);
  }
  const threshold = smallest(thresholds.filter((n) => n >= 1));
  if (threshold !== undefined) {
    breaker.failure_threshold = threshold;
    evidence.push(
      `circuit_breaker.failure_threshold = ${threshold} (failures counted when a circuit opened)`,
    );
  }
  const fallback: Record<string, unknown> = {};
  if (Object.keys(breaker).length > 0) fallback.circuit_breaker = breaker;
  const retries = smallest(fallbackAtRetry);
  if (retries !== undefined) {
    fallback.max_retries = retries;
    evidence.push(
      `max_retries = ${retries} (a retryable failure moved on after ${retries + 1} attempts on its model)`,
    );
  }
  if (!promoted && servedByFallback) {
    fallback.promote_on_success = false;
    evidence.push("promote_on_success = false (requests were served by a fallback and nothing was promoted)");
  }
  const first = shape.requests[0];
  const config: Record<string, unknown> = {
    ...(first === undefined ? {} : { model: first.chain[0] ?? first.primary }),
    agent: Object.fromEntries(
      Object.entries(agents).map(([name, a]) => [name, { model: a.model, models: a.models }]),
    ),
    ...(Object.keys(fallback).length > 0 ? { fallback } : {}),
  };
  return { config, evidence };
}
