import { Readable } from "node:stream";
import { checkAuditStream } from "../check/check-audit.ts";
import type { CheckResult } from "../check/audit-checker.ts";
import type { RuleId } from "../check/rules.ts";
import type { Violation } from "../check/violation-collector.ts";
import { oracleSettingsFor } from "../oracle/config-merge.ts";
import { crossCheckFleet, type AuditedAttempt } from "../oracle/cross-check.ts";
import { FLEET_API_KEYS } from "../fleet/fleet.ts";
import { ROUTED_CALLS_CHECK, routedCallsCheck } from "../oracle/fleet-routes.ts";
import { fleetSafetyChecks, REALTIME_LATE_TOLERANCE_MS } from "../oracle/fleet-safety.ts";
import { checkGroundTruth, numberAuditLines } from "../oracle/ground-truth.ts";
import {
  failed,
  notChecked,
  passed,
  tierVerdict,
  type Check,
  type Evidence,
  type Tier,
  type TierVerdict,
} from "./checks.ts";
import { auditByRequest, NO_AUDIT_REASON } from "./expectations.ts";
import type { ScenarioRun } from "./run-scenario.ts";

/** The verdict on one scenario run: every check it made, per tier, and what it could not check. */
export interface ScenarioVerdict {
  /** `fail` when any check of either tier failed; `run --tier` decides what gates the exit code. */
  readonly verdict: "pass" | "fail";
  /** One line per failed check, prefixed with its tier, most important first (safety before conformance). */
  readonly reasons: readonly string[];
  /** Every check made or attempted, each with its tier, evidence and outcome. */
  readonly checks: readonly Check[];
  readonly tiers: { readonly safety: TierVerdict; readonly conformance: TierVerdict };
  /** The checks whose evidence the engine did not give (SPEC §10.2), each with its one-line reason. */
  readonly notChecked: readonly Check[];
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

/** The engine's audit is evidence: it declared `audit: "spec"`, or wrote a line anyway (SPEC §10.2). */
export function auditGiven(run: ScenarioRun): boolean {
  return run.auditDeclared === true || run.auditText.trim() !== "";
}

const plural = (n: number, more: string): string => (n > 1 ? ` (+${n - 1} more${more})` : "");

/** A check from a list of problems: the first one is the message, the rest are counted. */
function fromProblems(
  id: string,
  tier: Tier,
  evidence: readonly Evidence[],
  problems: readonly string[],
): Check {
  const first = problems[0];
  return first === undefined
    ? passed(id, tier, evidence)
    : failed(id, tier, evidence, `${first}${plural(problems.length, "")}`);
}

/** A check that reads the audit: NOT CHECKED, never failed, for an engine whose audit is no evidence. */
function fromAudit(
  run: ScenarioRun,
  id: string,
  tier: Tier,
  evidence: readonly Evidence[],
  problems: () => readonly string[],
): Check {
  return auditGiven(run)
    ? fromProblems(id, tier, evidence, problems())
    : notChecked(id, tier, evidence, NO_AUDIT_REASON);
}

const who = (r: ScenarioRun["requests"][number]): string =>
  `request #${r.index}${r.label ? ` (${r.label})` : ""}`;

/**
 * Invariants that hold for every request of every scenario, whatever its expectations say (SPEC §6,
 * §10.3), beyond the fleet's safety checks: a streaming caller ends up showing exactly the returned text
 * (safety, needs the stream); the model and attempts the engine reports are the ones its audit names
 * (conformance: the audit agrees with the result; needs the audit).
 */
export function requestInvariantChecks(run: ScenarioRun): Check[] {
  const served = run.requests.filter((r) => r.outcome === "success");
  const byRequest = auditByRequest(run.audit);
  const checks: Check[] = [];
  const streamed = served.filter((r) => r.shown !== null);
  // A run without a streamed success has nothing to compare: the check does not apply (not "not checked").
  if (streamed.length > 0)
    checks.push(
      fromProblems(
        "safety.streamed-text",
        "safety",
        ["stream", "result"],
        streamed.flatMap((r) =>
          r.shown !== r.text
            ? [
                `duplicated-or-lost-text: ${who(r)} streamed ${r.shown?.length ?? 0} characters after its last reset but returned ${r.text?.length ?? 0}`,
              ]
            : [],
        ),
      ),
    );
  checks.push(
    fromAudit(run, "conformance.audit-served-model", "conformance", ["result", "audit"], () =>
      served.flatMap((r) => {
        const success = (byRequest.get(r.index) ?? []).find((l) => l.event === "fallback_success");
        return success !== undefined && success.model !== r.model
          ? [
              `served-model: ${who(r)} reports ${r.model ?? "no model"} but its audit says ${String(success.model)} served it`,
            ]
          : [];
      }),
    ),
    fromAudit(run, "conformance.reported-attempts", "conformance", ["result", "audit"], () =>
      served.flatMap((r) => {
        const lines = byRequest.get(r.index) ?? [];
        const audited = lines.filter((l) => l.event === "fallback_attempt").length;
        return lines.length > 0 && r.attempts !== null && r.attempts !== audited
          ? [`attempts: ${who(r)} reports ${r.attempts} attempt(s) but its audit shows ${audited}`]
          : [];
      }),
    ),
  );
  return checks;
}

/** The failures of {@link requestInvariantChecks}, one line each. */
export function requestInvariants(run: ScenarioRun): string[] {
  return requestInvariantChecks(run).flatMap((c) => (c.outcome.kind === "fail" ? [c.outcome.message] : []));
}

/** What the harness saw the engine do outside its answers: errors, escaped exceptions, leaks, hangs. */
function engineChecks(run: ScenarioRun, hangs: number): Check[] {
  const faults = [...(run.engineError ? [run.engineError] : []), ...run.engineFaults];
  return [
    fromProblems("safety.engine-behaviour", "safety", ["result"], faults),
    fromProblems(
      "safety.no-hang",
      "safety",
      ["result"],
      hangs > 0 ? [`${hangs} request(s) hung past their deadline (the harness stopped waiting)`] : [],
    ),
  ];
}

const firstOf = (label: string, violations: readonly Violation[]): string[] => {
  const v = violations[0];
  return v === undefined ? [] : [`${label} [${v.rule}]: ${v.message}${plural(violations.length, "")}`];
};

const LEAK_RULES: ReadonlySet<string> = new Set<RuleId>([
  "secret-in-log",
  "fleet-key-in-log",
  "prompt-in-log",
]);
const COMPLETENESS_RULES: ReadonlySet<string> = new Set<RuleId>([
  "request-unaudited",
  "request-terminal-count",
]);

/** The audit judged by the checker, against the fleet, and against ground truth (SPEC §8, §10.2). */
async function auditChecks(
  run: ScenarioRun,
): Promise<{ checks: Check[]; check: CheckResult; crossCheck: Violation[] }> {
  const check = await checkAuditStream(linesOf(run.auditText), {
    settingsFor: (agent) => oracleSettingsFor(run.config, agent),
    config: run.config,
    lastLineTerminated: () => run.auditText === "" || run.auditText.endsWith("\n"),
  });
  const crossCheck = auditGiven(run)
    ? crossCheckFleet(
        auditedAttempts(run.auditText),
        run.fleetCalls.map((c) => ({ id: c.id, model: c.model, at: c.at, provider: c.provider })),
      )
    : [];
  // SPEC §10.2: the audit judged against what the fleet really sent (issue 12 item 3).
  const truth = checkGroundTruth({
    audit: numberAuditLines(run.auditText),
    calls: run.fleetCalls,
    requestCount: run.requests.length,
    prompts: run.prompts ?? [],
    secrets: Object.values(FLEET_API_KEYS),
    retryAfterCapMs: (agent) => oracleSettingsFor(run.config, agent).retry_after_cap_ms,
  });
  const checkerLeaks = check.violations.filter((v) => LEAK_RULES.has(v.rule));
  const checkerRest = check.violations.filter((v) => !LEAK_RULES.has(v.rule));
  const leakCount = Object.entries(check.counts).reduce(
    (n, [rule, count]) => n + (LEAK_RULES.has(rule) ? (count ?? 0) : 0),
    0,
  );
  const checkerMessage = (): string[] => {
    const v = checkerRest[0] ?? check.firstViolation;
    const count = check.violationCount - leakCount;
    return v === null || count === 0
      ? []
      : [`audit line ${v.line} [${v.rule}]: ${v.message}${plural(count, "")}`];
  };
  const declaredButSilent =
    run.auditDeclared === true && run.auditText.trim() === "" && run.requests.length > 0;
  const checks: Check[] = [
    // Nothing the engine writes may hold a key or a prompt: an engine that writes nothing passes honestly.
    fromProblems(
      "safety.no-secrets-written",
      "safety",
      ["audit"],
      [
        ...firstOf("audit", checkerLeaks),
        ...firstOf(
          "ground truth",
          truth.filter((v) => LEAK_RULES.has(v.rule)),
        ),
      ],
    ),
    ...(run.auditDeclared === true
      ? [
          fromProblems(
            "conformance.audit-written",
            "conformance",
            ["audit"],
            declaredButSilent
              ? [
                  `audit-missing: the engine declares audit: "spec" but wrote no audit line for its ${run.requests.length} request(s) (SPEC §10.2)`,
                ]
              : [],
          ),
        ]
      : []),
    fromAudit(run, "conformance.audit-checker", "conformance", ["audit"], checkerMessage),
    fromAudit(run, "conformance.audit-complete", "conformance", ["audit"], () =>
      firstOf(
        "ground truth",
        truth.filter((v) => COMPLETENESS_RULES.has(v.rule)),
      ),
    ),
    fromAudit(run, "conformance.fleet-cross-check", "conformance", ["audit", "fleet"], () =>
      firstOf("fleet cross-check", crossCheck),
    ),
    fromAudit(run, "conformance.ground-truth", "conformance", ["audit", "fleet"], () =>
      firstOf(
        "ground truth",
        truth.filter((v) => !LEAK_RULES.has(v.rule) && !COMPLETENESS_RULES.has(v.rule)),
      ),
    ),
  ];
  return { checks, check, crossCheck };
}

/** A check's failure as a report line: its tier first; an expectation also names where it is in the file. */
export function reasonOf(check: Check): string | null {
  if (check.outcome.kind !== "fail") return null;
  const where = check.id.startsWith("expect.") ? `${check.id}: ` : "";
  return `[${check.tier}] ${where}${check.outcome.message}`;
}

/**
 * Engine faults first (they explain everything after them), then safety, then conformance led by calls
 * that reached no provider route (the scenario's faults never applied) and a declared audit that is
 * missing (it explains every audit expectation that fails after it).
 */
function rank(check: Check): number {
  if (check.id === "safety.engine-behaviour") return 0;
  if (check.tier === "safety") return 1;
  return check.id === ROUTED_CALLS_CHECK || check.id === "conformance.audit-written" ? 2 : 3;
}

function verdictOf(
  checks: readonly Check[],
  check: CheckResult,
  crossCheck: readonly Violation[],
  hangs: number,
): ScenarioVerdict {
  const ordered = [...checks].sort((a, b) => rank(a) - rank(b));
  const reasons = ordered.flatMap((c) => reasonOf(c) ?? []);
  return {
    verdict: reasons.length === 0 ? "pass" : "fail",
    reasons,
    checks,
    tiers: { safety: tierVerdict(checks, "safety"), conformance: tierVerdict(checks, "conformance") },
    notChecked: checks.filter((c) => c.outcome.kind === "not-checked"),
    check,
    crossCheck,
    hangs,
  };
}

/**
 * An isolate that died left no evidence to judge: the reason it died is the verdict (a safety failure),
 * and every other check is NOT CHECKED, never PASS on evidence that was never gathered.
 */
async function incompleteVerdict(run: ScenarioRun): Promise<ScenarioVerdict> {
  const check = await checkAuditStream(linesOf(""), {
    settingsFor: (agent) => oracleSettingsFor(run.config, agent),
    config: run.config,
    lastLineTerminated: () => true,
  });
  const died = fromProblems(
    "safety.engine-behaviour",
    "safety",
    ["result"],
    [run.engineError ?? "the engine's isolate ended without a report", ...run.engineFaults],
  );
  const reason = "no evidence: the engine's isolate died before it reported";
  const unchecked = (id: string, tier: Tier, evidence: readonly Evidence[]): Check =>
    notChecked(id, tier, evidence, reason);
  const checks = [
    died,
    ...fleetSafetyChecks({ requests: [], calls: [], startMs: 0, answers: {} }).map((c) =>
      unchecked(c.id, c.tier, c.evidence),
    ),
    ...run.expectationChecks.map((c) => unchecked(c.id, c.tier, c.evidence)),
    unchecked(ROUTED_CALLS_CHECK, "conformance", ["fleet"]),
    unchecked("conformance.audit-checker", "conformance", ["audit"]),
    unchecked("conformance.fleet-cross-check", "conformance", ["audit", "fleet"]),
  ];
  return verdictOf(checks, check, [], 0);
}

/** Judges a run: every expectation, invariant, audit and engine check, each in its tier. */
export async function judgeRun(run: ScenarioRun): Promise<ScenarioVerdict> {
  if (run.incomplete) return incompleteVerdict(run);
  const hangs = run.requests.filter((r) => r.outcome === "hang").length;
  const audit = await auditChecks(run);
  const checks = [
    ...engineChecks(run, hangs),
    // SPEC §10.3 from the fleet's record and the results: served model, whole answers, no call after a
    // request ended, Retry-After respected. For any engine, audit or not.
    ...fleetSafetyChecks({
      requests: run.requests,
      calls: run.fleetCalls,
      startMs: run.startMs,
      answers: run.answers,
      // The virtual clock has no transport latency to forgive; the wall clock does (realtime.md).
      lateToleranceMs: run.clock === "real" ? REALTIME_LATE_TOLERANCE_MS : 0,
    }),
    // An engine whose calls miss the providers' routes was never given the scenario's faults (the
    // Portkey adapter once sent every Gemini call to /v1beta/v1beta/…): fail it instead of judging it.
    routedCallsCheck(run.fleetCalls),
    ...run.expectationChecks,
    ...requestInvariantChecks(run),
    ...audit.checks,
  ];
  return verdictOf(checks, audit.check, audit.crossCheck, hangs);
}
