/**
 * # OpenCode-style incident logs
 *
 * The DECISION_141 fork writes "JSONL audit records of action, model, attempt and error type": a subset of
 * SPEC §8 under its own names. The incident reader accepts such lines next to SPEC lines (a line with `v`
 * and `seq` is a SPEC line, any other JSON object an OpenCode-style one) and turns each into a full SPEC §8
 * line. Every field the source line did not carry (under any of its names; `v` aside) is listed in the
 * line's `derived`, whether it was derived or set to `null`.
 *
 * | SPEC field | read from (first present wins) | when absent |
 * |---|---|---|
 * | `ts` | `ts`, `time`, `timestamp`: ISO-8601 with or without fraction and offset (no offset = UTC), or epoch ms or s (number or digit string; below 1e11 = seconds) | the previous line's time + warning `field-missing`; on the first line an error |
 * | `event` | `event`, `type`: a SPEC §8 name, `fallback_` optional (`failure`, `model_skipped`) | `fallback_failure` when `action`, `error_type`/`errorType`, `success: false` or `status` "error"/"failure"/"failed" is present; `fallback_success` when `success: true` or `status` "success"/"ok"; else an error |
 * | `seq` | `seq` | line order: one more than the last seq given or derived |
 * | `request_id` | `request_id`, `requestID`, `messageID`, `sessionID`, `session_id` (a message is one request, a session holds many, hence this order) | `line-<n>`, n = the request's first line; such lines must follow each other |
 * | `agent` | `agent` | the agent of the request's first line, else `"unknown"` |
 * | `model` | `model` as `provider/model`; `providerID` + `modelID`; `model` as `{providerID, modelID}`; a bare `model` + `providerID` | error, line skipped |
 * | `attempt` | `attempt` | the request's attempts so far + 1 (an outcome takes its attempt line's number) |
 * | `model_attempt` | `model_attempt`, `modelAttempt` | the request's attempts on that model so far + 1 |
 * | `error_type` | `error_type`, `errorType` | from `reason` (SPEC §3 table), else from `status`; with neither `LogicError` + warning |
 * | `reason` | `reason` | from `status` if it fits the error type (429 rate_limit, 529 overloaded, 503 unavailable, 401 auth …); else the error type's reason whose default action is the logged `action`; else per type: ContextLength context_overflow, NetworkPermanent tls, ProviderRateLimit rate_limit, NetworkTransient connection, ProviderError server_error, LogicError unknown |
 * | `action` | `action` | the reason's SPEC §3 default + warning `field-missing` |
 * | `status` | `status` (when a number), `statusCode` | `null` |
 * | `retry_after_ms` | `retry_after_ms`, `retryAfterMs` | `null` |
 * | `delay_ms` | `delay_ms`, `delayMs` | `null` |
 * | `latency_ms` | `latency_ms`, `latencyMs`, `duration_ms`, `durationMs` | time since its attempt line; without one 0 + warning |
 * | `fallback` (success) | `fallback` | served by a model other than the request's first |
 * | `chain`, `primary` (request) | `chain` or `models`, `primary` | the models in the order the request used them (skipped ones included); primary = the first |
 * | `reason` (skipped) | `reason` | `circuit_open` + warning |
 * | `from`, `to` (circuit) | `from`, `to` | error, line skipped |
 * | `failures` (circuit) | `failures` | 0 + warning |
 * | `cooldown_until` (circuit) | `cooldown_until`, `cooldownUntil` | `null` |
 * | `cause` (circuit) | `cause`, `reason` | open→half_open cooldown_elapsed, half_open→closed probe_success, else the request's last failure reason, else `unknown` + warning |
 * | `until` (promoted) | `until` | error, line skipped |
 * | `attempts` (exhausted) | `attempts` | the request's attempts |
 * | `error_type`, `reason` (exhausted) | as above | the request's last failure; `all_open` when it only skipped models; else `unknown` + warning |
 *
 * NetworkPermanent's default reason is `tls`, though `dns` and `proxy` share the type: all three have the
 * action `fail` and no breaker effect, so the choice never changes a replayed decision.
 *
 * Request boundaries: lines with the same request key belong to one request until its terminal line
 * (`fallback_success`, `fallback_exhausted`, a `fallback_failure` with action `fail`), a `fallback_request`,
 * or an attempt numbered 1 after attempts were made; the next request of that key is `<key>#2`, `#3` ….
 * Lines without a key belong to the current keyless request. A `fallback_exhausted` right after a `fail`,
 * and circuit or promotion lines after the end, still belong to the request that ended.
 *
 * Synthesized lines (`derived` starts with `"$"` and lists every field): a `fallback_request` before a
 * request whose first line is not one, and a `fallback_attempt` before an outcome whose attempt line is
 * missing (at the outcome's time minus its latency). Since the chain is known only when the request ends,
 * such a request's lines reach the consumer when it ends (or the log does): `seq` keeps the file order.
 *
 * Fields outside this table (and `x_` fields of SPEC lines) are ignored. A `null` where SPEC §8 never has
 * one (an `attempt: null`) reads as absent. An invalid value (`attempt: "two"`) is an error: the line is
 * skipped, and the problem names its JSON path (`$.attempt`) and what was expected.
 *
 * SPEC lines: a line `parseAuditLine` accepts passes through untouched (`derived` empty). One it rejects but
 * that is usable (an extra non-`x_` field, a field missing, `ts` without milliseconds, `v: 2`) is read by
 * this table with a warning of the schema's kind; its request ids are kept as written (no `#2`). A SPEC
 * request without a `fallback_request`, or an outcome without its attempt line, gets one synthesized with a
 * warning (`request-not-started`, `attempt-not-logged`); a synthesized line's seq may then repeat one of the
 * log's own.
 *
 * Bounds, for a million lines in constant memory: at most 10 000 requests open at once (beyond that the
 * least recently active is closed early: `request-evicted`), 20 000 lines held back for synthesized chains
 * (beyond that the oldest such request is written early: `request-flushed-early`, then `chain-incomplete`
 * if it later uses another model), 20 000 closed request keys remembered, 1 000 problems kept in full (all
 * counted). Options of `readIncidentLog` change each.
 */
import { AUDIT_EVENT_NAMES, type AuditEventName } from "../oracle/audit-schema.ts";

/** The names each field may appear under, first present wins. */
export const FIELD_ALIASES = {
  ts: ["ts", "time", "timestamp"],
  event: ["event", "type"],
  requestKey: ["request_id", "requestID", "messageID", "sessionID", "session_id"],
  agent: ["agent"],
  seq: ["seq"],
  attempt: ["attempt"],
  modelAttempt: ["model_attempt", "modelAttempt"],
  action: ["action"],
  errorType: ["error_type", "errorType"],
  reason: ["reason"],
  status: ["status", "statusCode"],
  retryAfter: ["retry_after_ms", "retryAfterMs"],
  delay: ["delay_ms", "delayMs"],
  latency: ["latency_ms", "latencyMs", "duration_ms", "durationMs"],
  fallback: ["fallback"],
  chain: ["chain", "models"],
  primary: ["primary"],
  from: ["from"],
  to: ["to"],
  failures: ["failures"],
  cooldownUntil: ["cooldown_until", "cooldownUntil"],
  cause: ["cause", "reason"],
  until: ["until"],
  attempts: ["attempts"],
} as const satisfies Record<string, readonly string[]>;

/** The SPEC §8 event a name stands for (`fallback_` optional), or undefined. */
export function eventNamed(name: unknown): AuditEventName | undefined {
  if (typeof name !== "string") return undefined;
  return AUDIT_EVENT_NAMES.find((event) => event === name || event === `fallback_${name}`);
}

const FAILED = new Set(["error", "failure", "failed"]);
const SUCCEEDED = new Set(["success", "ok"]);

/** The event of a line that names none, from the fields it carries; undefined when they do not tell. */
export function inferEvent(record: Readonly<Record<string, unknown>>): AuditEventName | undefined {
  const status = typeof record.status === "string" ? record.status.toLowerCase() : undefined;
  if (record.success === true || (status !== undefined && SUCCEEDED.has(status))) return "fallback_success";
  const failed =
    record.action !== undefined ||
    record.error_type !== undefined ||
    record.errorType !== undefined ||
    record.success === false ||
    (status !== undefined && FAILED.has(status));
  return failed ? "fallback_failure" : undefined;
}
