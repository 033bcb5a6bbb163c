import { Readable } from "node:stream";
import { settingsFor } from "../../src/index.ts";
import { checkAuditStream } from "../check/check-audit.ts";
import type { CheckResult } from "../check/audit-checker.ts";
import type { Violation } from "../check/violation-collector.ts";
import { crossCheckFleet, type AuditedAttempt } from "../oracle/cross-check.ts";
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
    if (event === "fallback_attempt" && typeof model === "string" && typeof attempt === "number" && typeof request_id === "string" && typeof ts === "string") {
      attempts.push({ model, attempt, request_id, ts, line: index + 1 });
    }
  });
  return attempts;
}

/** Judges a run: any broken expectation, checker violation, fleet mismatch, hang or engine error fails it. */
export async function judgeRun(run: ScenarioRun): Promise<ScenarioVerdict> {
  const check = await checkAuditStream(linesOf(run.auditText), {
    settingsFor: (agent) => settingsFor(run.config, agent),
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
  if (hangs > 0) reasons.push(`${hangs} request(s) hung past their deadline (the harness stopped waiting)`);
  for (const failure of run.expectationFailures) reasons.push(`${failure.expectation}: ${failure.message}`);
  if (check.firstViolation) {
    const v = check.firstViolation;
    reasons.push(`audit line ${v.line} [${v.rule}]: ${v.message}${check.violationCount > 1 ? ` (+${check.violationCount - 1} more)` : ""}`);
  }
  const first = crossCheck[0];
  if (first) reasons.push(`fleet cross-check [${first.rule}]: ${first.message}${crossCheck.length > 1 ? ` (+${crossCheck.length - 1} more)` : ""}`);
  return { verdict: reasons.length === 0 ? "pass" : "fail", reasons, check, crossCheck, hangs };
}
