/**
 * SPEC §10.3 safety checks judged from the fleet's record (ground truth, §10.2) and what `run` returned,
 * so they hold for any engine, whether or not it writes an audit. Pure functions of plain data.
 */
import { failed, notChecked, passed, type Check, type Evidence } from "../runner/checks.ts";
import type { FleetCall, RequestRecord } from "../runner/records.ts";
import {
  attributedRequest,
  callsByRequest,
  unattributedCalls,
  writersOf,
  type CanonicalAnswers,
} from "./fleet-facts.ts";
import { expectedRetryAfter } from "./ground-truth-retry-after.ts";

export {
  attributedRequest,
  fleetAttempts,
  fleetServedModel,
  firstSuccessAfter,
  unattributedCalls,
  writersOf,
} from "./fleet-facts.ts";
export type { CanonicalAnswers } from "./fleet-facts.ts";

/**
 * On the real clock, how late a call may reach the fleet after its request ended and still count as sent
 * before the end: the end is read after the engine's promise settled, in another thread or process than
 * the fleet's own clock, and a fetch started just before it crosses loopback and an HTTP parser first.
 * Stated in realtime.md and the scorecard. The virtual clock allows none.
 */
export const REALTIME_LATE_TOLERANCE_MS = 50;

/** What the fleet-based safety checks read. */
export interface FleetSafetyInput {
  readonly requests: readonly RequestRecord[];
  readonly calls: readonly FleetCall[];
  /** The scenario's start on the fleet clock (epoch ms): `RequestRecord` times are ms after it. */
  readonly startMs: number;
  /** Canonical mode: each model's answer (`ExecutionRecords.answers`); empty in faker mode. */
  readonly answers: CanonicalAnswers;
  /**
   * How late a call may arrive after its request ended and still count as sent before the end (default 0).
   * On the virtual clock time moves only when everything waits, so 0; on real time, a fetch started just
   * before the end reaches the fleet a little later: {@link REALTIME_LATE_TOLERANCE_MS}.
   */
  readonly lateToleranceMs?: number;
}

/** One request's finding; a check over the scenario folds them. */
type Finding =
  | { readonly kind: "pass" }
  | { readonly kind: "fail"; readonly message: string }
  | { readonly kind: "not-checked"; readonly reason: string };

const PASS: Finding = { kind: "pass" };
const fail = (message: string): Finding => ({ kind: "fail", message });
const unseen = (reason: string): Finding => ({ kind: "not-checked", reason });

/** Folds findings: the first failure (with how many more), else the first reason not checked, else a pass. */
function fold(id: string, evidence: readonly Evidence[], findings: readonly Finding[]): Check {
  const more = (n: number): string => (n > 1 ? ` (+${n - 1} more)` : "");
  const failures = findings.flatMap((f) => (f.kind === "fail" ? [f.message] : []));
  if (failures[0] !== undefined)
    return failed(id, "safety", evidence, `${failures[0]}${more(failures.length)}`);
  const unseenReasons = findings.flatMap((f) => (f.kind === "not-checked" ? [f.reason] : []));
  if (unseenReasons[0] !== undefined)
    return notChecked(id, "safety", evidence, `${unseenReasons[0]}${more(unseenReasons.length)}`);
  return passed(id, "safety", evidence);
}

const who = (r: RequestRecord): string => `request #${r.index}${r.label ? ` (${r.label})` : ""}`;

/** The reason a request-level check cannot be made when some calls carry no request marker. */
function unmarkedReason(unmarked: number, total: number): string {
  return `needs fleet attribution: ${unmarked} of ${total} provider call(s) carry no request marker (the engine dropped or rewrote the prompt's tail)`;
}

/** `safety.served-model`: the model `run` reported is the one whose answer text it returned. */
function servedModel(input: FleetSafetyInput): Check {
  const recordsAnswers = input.calls.some((c) => typeof c.answer === "string");
  const findings = input.requests.map((r): Finding => {
    if (r.outcome !== "success") return PASS;
    if (!recordsAnswers && Object.keys(input.answers).length === 0)
      return unseen("needs fleet evidence: the fleet records no answer texts");
    const writers = writersOf(r.text ?? "", input.calls, input.answers);
    if (writers.length === 0)
      return unseen(
        `${who(r)} returned no whole answer the fleet sent, so no model wrote its text (see safety.truncated-success)`,
      );
    if (r.model !== null && writers.includes(r.model)) return PASS;
    return fail(
      `${who(r)} reports ${r.model ?? "no model"} but returned the answer of ${writers.join(" or ")}`,
    );
  });
  return fold("safety.served-model", ["result", "fleet"], findings);
}

/** An answer and the model that wrote it. */
interface Written {
  readonly model: string;
  readonly text: string;
}

/**
 * `safety.truncated-success`: a success's text is a whole answer the fleet sent. A strict prefix of an
 * answer sent to the request is truncated; a longer text holding one is duplicated (its own message).
 */
function truncatedSuccess(input: FleetSafetyInput): Check {
  const count = input.requests.length;
  const whole = new Set<string>(Object.values(input.answers));
  for (const call of input.calls) if (typeof call.answer === "string") whole.add(call.answer);
  const canonical: Written[] = Object.entries(input.answers).map(([model, text]) => ({ model, text }));
  // Faker answers differ per call: a text can only be held against the answers sent to its own request,
  // and "no answer was sent to it" is only known when every call that wrote an answer is attributed.
  const unmarkedWriters = input.calls.filter(
    (c) => typeof c.answer === "string" && attributedRequest(c, count) === null,
  ).length;
  const byRequest = callsByRequest(input.calls, count);
  const findings = input.requests.map((r): Finding => {
    if (r.outcome !== "success") return PASS;
    const text = r.text ?? "";
    if (whole.has(text)) return PASS;
    const sent: Written[] = [
      ...(byRequest.get(r.index) ?? []).flatMap((c) =>
        typeof c.answer === "string" ? [{ model: c.model, text: c.answer }] : [],
      ),
      // The reported model's canonical answer first, so a cut text (common prose) is named after it.
      ...canonical.filter((a) => a.model === r.model),
      ...canonical.filter((a) => a.model !== r.model),
    ];
    if (text === "") {
      const toIt = sent.length - canonical.length;
      return fail(
        `${who(r)} succeeded with an empty text: an empty success (${toIt === 0 ? "the fleet sent it no answer" : `the fleet sent it ${toIt} answer(s)`})`,
      );
    }
    const cut = sent.find((a) => a.text.startsWith(text));
    if (cut !== undefined)
      return fail(
        `${who(r)} succeeded with ${text.length} of the ${cut.text.length} characters of ${cut.model}'s answer: a truncated success`,
      );
    const held = sent.find((a) => text.includes(a.text));
    if (held !== undefined)
      return fail(
        `${who(r)} succeeded with ${text.length} characters: ${held.model}'s whole answer (${held.text.length}) plus ${text.length - held.text.length} more, duplicated or extra text`,
      );
    if (sent.length > 0 && (canonical.length > 0 || unmarkedWriters === 0))
      return fail(
        `${who(r)} succeeded with a text of ${text.length} characters that is no answer the fleet sent to it`,
      );
    return unseen(
      `${who(r)}: its text matches no answer, and ${unmarkedWriters > 0 ? unmarkedReason(unmarkedWriters, input.calls.length) : "the fleet records no answer sent to it"}`,
    );
  });
  return fold("safety.truncated-success", ["result", "fleet"], findings);
}

/** When a request ended for its caller: answered, failed, or aborted (whichever came first), epoch ms. */
function endOf(r: RequestRecord, startMs: number): number {
  const aborted = r.abortedAt ?? null;
  return startMs + (aborted === null ? r.endedAt : Math.min(aborted, r.endedAt));
}

/** `safety.no-call-after-end`: no provider call attributed to a request arrives after it ended. */
function noCallAfterEnd(input: FleetSafetyInput): Check {
  const count = input.requests.length;
  const byRequest = callsByRequest(input.calls, count);
  const findings: Finding[] = input.requests.map((r) => {
    const end = endOf(r, input.startMs);
    // Same millisecond is not "after": on the virtual clock a call and the end can share an instant.
    const late = (byRequest.get(r.index) ?? []).filter((c) => c.at > end + (input.lateToleranceMs ?? 0));
    const first = late[0];
    if (first === undefined) return PASS;
    const how =
      r.cancelled || r.outcome === "hang"
        ? "was aborted"
        : r.outcome === "success"
          ? "was answered"
          : "failed";
    return fail(
      `${who(r)} ${how} at ${end - input.startMs} ms but ${first.model} was called for it at ${first.at - input.startMs} ms (${late.length} call(s) after it ended)`,
    );
  });
  const unmarked = unattributedCalls(input.calls, count);
  if (unmarked > 0) findings.push(unseen(unmarkedReason(unmarked, input.calls.length)));
  return fold("safety.no-call-after-end", ["fleet"], findings);
}

/**
 * `safety.retry-after-respected`: within one request, no call to a model before the Retry-After the fleet
 * sent that request for that model has passed. Counted from the call's arrival, which is never later than
 * the engine read the answer, so the window is never longer than the one the engine was given. Across
 * requests the spec lets an engine call a model inside another request's Retry-After (a concurrent
 * request, a `probe_soonest` probe), so those are not judged here.
 */
function retryAfterRespected(input: FleetSafetyInput): Check {
  const count = input.requests.length;
  const byRequest = callsByRequest(input.calls, count);
  const findings: Finding[] = input.requests.map((r) => {
    const mine = byRequest.get(r.index) ?? [];
    for (const [i, call] of mine.entries()) {
      if (call.retry_after === undefined) continue;
      // Shared with the audit's ground-truth check: one reading of the forms (SPEC §3 order).
      const wait = expectedRetryAfter(call.retry_after, call.at, Math.max(call.at, call.ended_at ?? call.at));
      if (wait === null || wait.min <= 0) continue;
      const early = mine
        .slice(i + 1)
        .find((next) => next.model === call.model && next.at < call.at + wait.min);
      if (early !== undefined)
        return fail(
          `${who(r)} called ${call.model} again ${early.at - call.at} ms after the fleet sent ${wait.source} (${wait.min} ms) for ${call.id}`,
        );
    }
    return PASS;
  });
  const unmarked = unattributedCalls(input.calls, count);
  if (unmarked > 0) findings.push(unseen(unmarkedReason(unmarked, input.calls.length)));
  return fold("safety.retry-after-respected", ["fleet"], findings);
}

/**
 * The fleet-based safety checks of one scenario run (SPEC §10.3), each tier `safety`, in a fixed order:
 * `safety.served-model`, `safety.truncated-success`, `safety.no-call-after-end`,
 * `safety.retry-after-respected`. A check the record cannot support (calls without a request marker, no
 * answer texts) is NOT CHECKED with its reason, never guessed.
 */
export function fleetSafetyChecks(input: FleetSafetyInput): Check[] {
  return [servedModel(input), truncatedSuccess(input), noCallAfterEnd(input), retryAfterRespected(input)];
}
