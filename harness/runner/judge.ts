import { Readable } from "node:stream";
import { checkAuditStream } from "../check/check-audit.ts";
import type { CheckResult } from "../check/audit-checker.ts";
import type { Violation } from "../check/violation-collector.ts";
import { oracleSettingsFor } from "../oracle/config-merge.ts";
import { crossCheckFleet, type AuditedAttempt } from "../oracle/cross-check.ts";
import { FLEET_API_KEYS } from "../fleet/fleet.ts";
import { checkGroundTruth, numberAuditLines } from "../oracle/ground-truth.ts";
import { auditByRequest } from "./expectations.ts";
import type { ScenarioRun } from "./run-scenario.ts";

/** The verdict on one scenario run: expectations, the audit checker and the fleet cross-check together. */
export interface ScenarioVerdict {
  readonly verdict: "pass" | "fail";
  /** One line per reason it failed, most important first. */
  readonly reasons: readonly string[];
  readonly check: CheckResult;
  readonly crossCheck: readonly Violation[];
  readonly hangs: number;
}

function linesOf(text: string): AsyncIterable<string> {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return Readable.from(lines);
}

function auditedAttempts(auditText: string): AuditedAttempt[] {
  const attempts: AuditedAttempt[] = [];
  auditText.split("\n").forEach((text, index) => {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return; // the checker reports unparseable lines
    }
    const { event, model, attempt, request_id, ts } = record;
    if (
      event === "fallback_attempt" &&
      typeof model === "string" &&
      typeof attempt === "number" &&
      typeof request_id === "string" &&
      typeof ts === "string"
    ) {
      attempts.push({ model, attempt, request_id, ts, line: index + 1 });
    }
  });
  return attempts;
}

/**
 * Invariants that hold for every request of every scenario, whatever its expectations say (SPEC §6):
 * the model the engine reports is the one its audit says served; the attempts it reports are the ones it
 * audited; a streaming caller ends up showing exactly the returned text (no duplicate after a reset); and
 * with canonical content every success is the whole canonical answer (never a truncated success).
 */
export function requestInvariants(run: ScenarioRun): string[] {
  const canonical = run.content === "canonical";
  const problems: string[] = [];
  const byRequest = auditByRequest(run.audit);
  for (const r of run.requests) {
    if (r.outcome !== "success") continue;
    const who = `request #${r.index}${r.label ? ` (${r.label})` : ""}`;
    const lines = byRequest.get(r.index) ?? [];
    const success = lines.find((l) => l.event === "fallback_success");
    if (success !== undefined && success.model !== r.model) {
      problems.push(
        `served-model: ${who} reports ${r.model ?? "no model"} but its audit says ${String(success.model)} served it`,
      );
    }
    const audited = lines.filter((l) => l.event === "fallback_attempt").length;
    if (lines.length > 0 && r.attempts !== null && r.attempts !== audited) {
      problems.push(`attempts: ${who} reports ${r.attempts} attempt(s) but its audit shows ${audited}`);
    }
    if (r.shown !== null && r.shown !== r.text) {
      problems.push(
        `duplicated-or-lost-text: ${who} streamed ${r.shown.length} characters after its last reset but returned ${r.text?.length ?? 0}`,
      );
    }
    if (canonical && r.text !== run.canonicalText) {
      problems.push(
        `truncated-success: ${who} succeeded with ${r.text?.length ?? 0} of the canonical answer's ${run.canonicalText.length} characters`,
      );
    }
  }
  return problems;
}

/** An isolate that died left no evidence to judge: the reason it died is the verdict, and nothing else. */
async function incompleteVerdict(run: ScenarioRun): Promise<ScenarioVerdict> {
  const check = await checkAuditStream(linesOf(""), {
    settingsFor: (agent) => oracleSettingsFor(run.config, agent),
    config: run.config,
    lastLineTerminated: () => true,
  });
  const reasons = [run.engineError ?? "the engine's isolate ended without a report", ...run.engineFaults];
  return { verdict: "fail", reasons, check, crossCheck: [], hangs: 0 };
}

/** Judges a run: any broken expectation, checker violation, fleet mismatch, hang or engine error fails it. */
export async function judgeRun(run: ScenarioRun): Promise<ScenarioVerdict> {
  if (run.incomplete) return incompleteVerdict(run);
  const check = await checkAuditStream(linesOf(run.auditText), {
    settingsFor: (agent) => oracleSettingsFor(run.config, agent),
    config: run.config,
    lastLineTerminated: () => run.auditText === "" || run.auditText.endsWith("\n"),
  });
  const crossCheck = crossCheckFleet(
    auditedAttempts(run.auditText),
    run.fleetCalls.map((c) => ({ id: c.id, model: c.model, at: c.at, provider: c.provider })),
  );
  const hangs = run.requests.filter((r) => r.outcome === "hang").length;
  const reasons: string[] = [];
  if (run.engineError) reasons.push(run.engineError);
  reasons.push(...run.engineFaults);
  if (hangs > 0) reasons.push(`${hangs} request(s) hung past their deadline (the harness stopped waiting)`);
  for (const failure of run.expectationFailures) reasons.push(`${failure.expectation}: ${failure.message}`);
  reasons.push(...requestInvariants(run));
  if (check.firstViolation) {
    const v = check.firstViolation;
    reasons.push(
      `audit line ${v.line} [${v.rule}]: ${v.message}${check.violationCount > 1 ? ` (+${check.violationCount - 1} more)` : ""}`,
    );
  }
  const first = crossCheck[0];
  if (first)
    reasons.push(
      `fleet cross-check [${first.rule}]: ${first.message}${crossCheck.length > 1 ? ` (+${crossCheck.length - 1} more)` : ""}`,
    );
  // SPEC §10.2: the audit judged against what the fleet really sent (issue 12 item 3).
  const truth = checkGroundTruth({
    audit: numberAuditLines(run.auditText),
    calls: run.fleetCalls,
    requestCount: run.requests.length,
    prompts: run.prompts ?? [],
    secrets: Object.values(FLEET_API_KEYS),
    retryAfterCapMs: (agent) => oracleSettingsFor(run.config, agent).retry_after_cap_ms,
  });
  if (truth[0])
    reasons.push(
      `ground truth [${truth[0].rule}]: ${truth[0].message}${truth.length > 1 ? ` (+${truth.length - 1} more)` : ""}`,
    );
  return { verdict: reasons.length === 0 ? "pass" : "fail", reasons, check, crossCheck, hangs };
}
