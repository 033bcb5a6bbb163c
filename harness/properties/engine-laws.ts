import { oracleSettingsFor } from "../oracle/config-merge.ts";
import { auditByRequest } from "../runner/expectations.ts";
import type { ScenarioVerdict } from "../runner/judge.ts";
import type { AuditRecord, RequestRecord } from "../runner/records.ts";
import type { ScenarioRun } from "../runner/run-scenario.ts";

/** The engine laws of issue 6, each a name a counterexample can cite. */
export type EngineLaw =
  | "checker"
  | "fleet_one_to_one"
  | "attempt_bound"
  | "deadline"
  | "outcome_matches_audit"
  | "no_truncated_success"
  | "no_duplicated_text"
  | "served_model"
  | "retry_after"
  | "disabled_one_attempt";

/** One broken law. */
export interface LawViolation {
  readonly law: EngineLaw;
  readonly message: string;
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const ms = (line: AuditRecord): number => (typeof line.ts === "string" ? Date.parse(line.ts) : Number.NaN);

function requestLaws(
  request: RequestRecord,
  lines: readonly AuditRecord[],
  run: ScenarioRun,
  out: LawViolation[],
): void {
  const who = `request #${request.index}${request.label ? ` (${request.label})` : ""}`;
  const add = (law: EngineLaw, message: string): void =>
    void out.push({ law, message: `${who}: ${message}` });
  const settings = oracleSettingsFor(run.config, request.agent);
  const head = lines[0];
  const chain = Array.isArray(head?.chain) ? head.chain : [];
  const attempts = lines.filter((l) => l.event === "fallback_attempt");
  const terminal = lines.at(-1);

  // SPEC §6: attempts ≤ len(chain)·(1 + max_retries) + 1 compaction retry.
  const bound = Math.max(1, chain.length) * (1 + settings.max_retries) + 1;
  if (attempts.length > bound)
    add(
      "attempt_bound",
      `${attempts.length} attempts, more than ${bound} for a chain of ${chain.length} with max_retries ${settings.max_retries}`,
    );
  if (!settings.enabled && attempts.length !== 1 && !request.cancelled)
    add("disabled_one_attempt", `fallback.enabled is false but the request made ${attempts.length} attempts`);
  if (request.outcome !== "hang" && request.endedAt - request.sentAt > settings.deadline_ms)
    add(
      "deadline",
      `took ${request.endedAt - request.sentAt} ms, past its deadline_ms ${settings.deadline_ms}`,
    );

  const served = terminal?.event === "fallback_success";
  if (request.outcome === "success" && !served)
    add(
      "outcome_matches_audit",
      `the caller got a success but the audit ends with ${typeof terminal?.event === "string" ? terminal.event : "nothing"}`,
    );
  if (request.outcome === "error" && served)
    add(
      "outcome_matches_audit",
      `the audit ends with fallback_success but the caller got ${request.error?.name ?? "an error"}`,
    );
  if (request.outcome !== "success") return;

  const text = request.text ?? "";
  // Each model answers its own canonical text: hold the result to the one the audit says served it.
  const servedBy = typeof terminal?.model === "string" ? terminal.model : request.model;
  const canonical = (servedBy === null ? undefined : run.answers[servedBy]) ?? run.canonicalText;
  const shown = request.shown;
  for (const [what, value] of [
    ["returned text", text],
    ["streamed text", shown],
  ] as const) {
    if (value === null || value === canonical) continue;
    if (canonical.startsWith(value))
      add(
        "no_truncated_success",
        `the ${what} is ${value.length} of the answer's ${canonical.length} characters`,
      );
    else if (value.length > canonical.length && value.includes(canonical))
      add(
        "no_duplicated_text",
        `the ${what} holds the answer plus ${value.length - canonical.length} extra characters`,
      );
    else add("no_truncated_success", `the ${what} is not the serving model's answer`);
  }
  if (served && request.model !== terminal.model)
    add(
      "served_model",
      `reported ${String(request.model)} as the serving model, the audit's fallback_success says ${String(terminal.model)}`,
    );
  if (request.attempts !== null && request.attempts !== attempts.length)
    add("served_model", `reported ${request.attempts} attempts, the audit shows ${attempts.length}`);
}

function retryAfterLaws(lines: readonly AuditRecord[], run: ScenarioRun, out: LawViolation[]): void {
  lines.forEach((line, i) => {
    if (line.event !== "fallback_failure") return;
    const retryAfter = num(line.retry_after_ms);
    const delay = num(line.delay_ms);
    const cap = oracleSettingsFor(
      run.config,
      typeof line.agent === "string" ? line.agent : "build",
    ).retry_after_cap_ms;
    const where = `${String(line.request_id)} attempt ${String(line.attempt)}`;
    // SPEC §4: a Retry-After above the cap is never waited for; a rate limit carrying one is a quota trip.
    // (Classes tested before ProviderRateLimit, such as a 413 ContextLength, keep their own class.)
    if (
      retryAfter !== null &&
      retryAfter > cap &&
      (line.action === "retry" ||
        (line.error_type === "ProviderRateLimit" && line.reason !== "quota_exhausted"))
    ) {
      out.push({
        law: "retry_after",
        message: `${where}: Retry-After ${retryAfter} ms is above the cap ${cap} ms but the failure is ${String(line.reason)}/${String(line.action)}, not a quota trip`,
      });
    }
    if (line.action !== "retry") return;
    if (retryAfter !== null && (delay === null || delay < retryAfter))
      out.push({
        law: "retry_after",
        message: `${where}: waits ${String(delay)} ms, less than the Retry-After of ${retryAfter} ms`,
      });
    const next = lines.slice(i + 1).find((l) => l.event === "fallback_attempt");
    if (next !== undefined && delay !== null && ms(next) - ms(line) < delay)
      out.push({
        law: "retry_after",
        message: `${where}: the next attempt came ${ms(next) - ms(line)} ms later, before the announced wait of ${delay} ms`,
      });
  });
}

/**
 * Judges one run of a generated scenario by the laws of issue 6. The audit checker and the fleet cross-check
 * (through {@link ScenarioVerdict}) cover schema, order, actions, breaker agreement with the oracle and no
 * attempt on a model the oracle holds open; the rest is checked here against what each caller saw.
 */
export function engineLawViolations(run: ScenarioRun, verdict: ScenarioVerdict): LawViolation[] {
  const out: LawViolation[] = [];
  for (const reason of verdict.reasons)
    out.push({
      // Reasons lead with their tier (`[conformance] fleet cross-check [...]`).
      law: reason.includes("fleet cross-check [") ? "fleet_one_to_one" : "checker",
      message: reason,
    });
  const audited = run.audit.filter((l) => l.event === "fallback_attempt").length;
  if (audited !== run.fleetCalls.length)
    out.push({
      law: "fleet_one_to_one",
      message: `the audit shows ${audited} attempts, the fleet received ${run.fleetCalls.length} requests`,
    });
  const byRequest = auditByRequest(run.audit);
  for (const request of run.requests) {
    const lines = byRequest.get(request.index) ?? [];
    requestLaws(request, lines, run, out);
    retryAfterLaws(lines, run, out);
  }
  return out;
}
