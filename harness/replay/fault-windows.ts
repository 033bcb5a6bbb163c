import type { FaultBindingInput, FaultInput } from "../fleet/faults.ts";
import { durationText } from "../fleet/duration.ts";
import { faultForFailure, type CallFault, type MidStream } from "./fault-for-outcome.ts";
import type { IncidentCall } from "./incident-calls.ts";

/**
 * Turns the calls one model received into fault windows: a run of calls that failed the same way becomes
 * one binding over its span, its edges halfway to the neighbouring calls that went differently (a recovery
 * or another failure). Windows are what an outage looks like, and they survive small shifts in time
 * (another seed's jitter). Where calls with different fates arrive in the same millisecond, a window cannot tell them
 * apart, so the run gets a `times` budget and a success gets a `healthy` binding, evaluated in arrival
 * order. Recorded latencies are pinned per call with one `latency` sequence per model.
 */

/** Whether a failure came after the first streamed token (decided by the caller, who knows the settings). */
export type MidStreamJudge = (call: IncidentCall) => MidStream;

/** A note for the person reading the replay: something the log cannot say or the fleet cannot send. */
export interface ReplayNote {
  readonly line: number;
  readonly message: string;
}

interface Run {
  readonly key: string;
  readonly fault: FaultInput | null;
  readonly calls: IncidentCall[];
}

function callFault(call: IncidentCall, midStream: MidStreamJudge): CallFault {
  const { outcome } = call;
  switch (outcome.kind) {
    case "success":
      return { kind: "ok" };
    case "unanswered":
      return { kind: "fault", fault: { kind: "stall" }, watchdog: true };
    case "failure": {
      const f = outcome.failure;
      return faultForFailure({
        reason: f.reason,
        status: f.status,
        retryAfterMs: f.retry_after_ms,
        midStream: midStream(call),
      });
    }
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}

/** The latency the fleet must add before answering this call. Calls a watchdog ended take their own time. */
function replayedLatency(call: IncidentCall, fault: CallFault): number {
  if (fault.kind === "fault" && fault.watchdog) return 0;
  const { outcome } = call;
  if (outcome.kind === "success") return outcome.latencyMs;
  if (outcome.kind === "failure") return outcome.failure.latency_ms;
  return 0;
}

function window(
  fromMs: number,
  untilMs: number | undefined,
  times: number | undefined,
): FaultBindingInput["when"] {
  const when: { from?: string; until?: string; times?: number } = {};
  if (fromMs > 0) when.from = durationText(fromMs);
  if (untilMs !== undefined) when.until = durationText(untilMs);
  if (times !== undefined) when.times = times;
  return when;
}

/** The fault bindings that replay one model's calls, and notes on what could not be reproduced. */
export function faultWindows(
  model: string,
  calls: readonly IncidentCall[],
  midStream: MidStreamJudge,
): { bindings: FaultBindingInput[]; notes: ReplayNote[] } {
  const notes: ReplayNote[] = [];
  const runs: Run[] = [];
  const latencies: number[] = [];
  for (const call of calls) {
    const fault = callFault(call, midStream);
    latencies.push(replayedLatency(call, fault));
    if (fault.kind === "unreproducible") {
      notes.push({
        line: call.outcome.kind === "failure" ? call.outcome.line : call.line,
        message: `${model}: no fault on the wire gives reason "${fault.reason}"; the replayed call succeeds instead`,
      });
    }
    const injected = fault.kind === "fault" ? fault.fault : null;
    const key = injected === null ? "ok" : JSON.stringify(injected);
    const last = runs.at(-1);
    if (last !== undefined && last.key === key) last.calls.push(call);
    else runs.push({ key, fault: injected, calls: [call] });
  }
  const bindings: FaultBindingInput[] = [];
  const firstAt = (run: Run | undefined): number | undefined => run?.calls[0]?.atMs;
  const lastAt = (run: Run | undefined): number | undefined => run?.calls.at(-1)?.atMs;
  // Between two runs the provider changed state at an unknown instant: take the middle of the gap, so a
  // call that moved by less than half the gap either way meets the same state.
  const boundaries = runs.slice(1).map((next, i) => {
    const end = lastAt(runs[i]) ?? 0;
    const start = firstAt(next) ?? end;
    return { at: end === start ? end : end + Math.ceil((start - end) / 2), tied: end === start };
  });
  runs.forEach((run, i) => {
    const before = boundaries[i - 1];
    const after = boundaries[i];
    const tied = before?.tied === true || after?.tied === true;
    if (run.fault === null && !tied) return;
    const from = before?.at ?? firstAt(run) ?? 0;
    const until = after === undefined ? undefined : after.tied ? after.at + 1 : after.at;
    bindings.push({
      target: model,
      fault: run.fault ?? { kind: "healthy" },
      when: window(from, until, tied ? run.calls.length : undefined),
    });
  });
  if (latencies.some((ms) => ms > 0)) {
    bindings.push({
      target: model,
      name: "recorded-latency",
      fault: { kind: "latency", distribution: { type: "sequence", ms: latencies } },
    });
  }
  return { bindings, notes };
}
