import type { Violation } from "../check/violation-collector.ts";

/** An audited attempt, as read from `fallback_attempt` lines. `line` is its line in the log, when known. */
export interface AuditedAttempt {
  readonly model: string;
  readonly attempt: number;
  readonly request_id: string;
  readonly ts: string;
  readonly line?: number;
}

/** One request the mocked fleet received. `model` is the provider's model name (or a full model id). */
export interface FleetRequest {
  readonly id: string;
  readonly model: string;
  readonly at: number;
  readonly provider: string;
}

function fleetModelId(request: FleetRequest, audited: ReadonlySet<string>): string {
  const full = `${request.provider}/${request.model}`;
  // A fleet that already logs full model ids is matched as it is.
  if (audited.has(full)) return full;
  if (audited.has(request.model)) return request.model;
  // Unaudited, it is named as the fleet logged it: prefixing a full id again gave `openai/openai/gpt-4.1`.
  return request.model.startsWith(`${request.provider}/`) ? request.model : full;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    const group = groups.get(name);
    if (group === undefined) groups.set(name, [item]);
    else group.push(item);
  }
  return groups;
}

/**
 * SPEC §9 (DECISION_118): the audited attempts and the fleet's requests match one to one, per model, in
 * order. An audited attempt with no fleet request behind it, or a fleet request the audit never mentions,
 * is a violation. Audit lines are taken in log order, fleet requests in arrival order (`at`, stable).
 */
export function crossCheckFleet(
  audit: readonly AuditedAttempt[],
  fleetLog: readonly FleetRequest[],
): Violation[] {
  const auditedModels = new Set(audit.map((attempt) => attempt.model));
  const byModelAudit = groupBy(audit, (attempt) => attempt.model);
  const ordered = fleetLog
    .map((request, index) => ({ request, index }))
    .sort((a, b) => a.request.at - b.request.at || a.index - b.index);
  const byModelFleet = groupBy(ordered, ({ request }) => fleetModelId(request, auditedModels));
  const violations: Violation[] = [];
  for (const model of new Set([...byModelAudit.keys(), ...byModelFleet.keys()])) {
    const attempts = byModelAudit.get(model) ?? [];
    const served = byModelFleet.get(model) ?? [];
    for (const attempt of attempts.slice(served.length)) {
      violations.push({
        rule: "fleet-attempt-unserved",
        line: attempt.line ?? 0,
        message: `attempt ${attempt.attempt} of ${attempt.request_id} on ${model} at ${attempt.ts} has no request in the fleet's log (${served.length} served for ${attempts.length} audited)`,
        requestId: attempt.request_id,
        model,
        text: JSON.stringify(attempt),
        context: [],
      });
    }
    for (const { request } of served.slice(attempts.length)) {
      violations.push({
        rule: "fleet-request-unaudited",
        line: 0,
        message: `the fleet served request ${request.id} for ${model} at ${new Date(request.at).toISOString()}, which no fallback_attempt mentions (${served.length} served for ${attempts.length} audited)`,
        requestId: null,
        model,
        text: JSON.stringify(request),
        context: [],
      });
    }
  }
  return violations;
}
