/**
 * Facts read from the fleet's record alone (SPEC §10.2): which request each provider call served, how
 * many calls a request made, which model wrote a returned text, when a model answered again. Each is
 * null when the record cannot tell, never a guess: a judge then says NOT CHECKED.
 */
import type { FleetCall, RequestRecord } from "../runner/records.ts";

/** Canonical mode: each model's answer (`provider/model` → text); empty in faker mode. */
export type CanonicalAnswers = Readonly<Record<string, string>>;

/** The request a call is attributed to, or null (no marker, or one naming no request of the scenario). */
export function attributedRequest(call: FleetCall, requestCount: number): number | null {
  const request = call.request;
  return typeof request === "number" && Number.isInteger(request) && request >= 0 && request < requestCount
    ? request
    : null;
}

/** How many calls the fleet could not attribute to a request of the scenario. */
export function unattributedCalls(calls: readonly FleetCall[], requestCount: number): number {
  return calls.filter((c) => attributedRequest(c, requestCount) === null).length;
}

/**
 * Provider calls per request index (requests with none are absent), or null when any call is not
 * attributable: a count that might miss calls is not a count.
 */
export function fleetAttempts(
  calls: readonly FleetCall[],
  requestCount: number,
): ReadonlyMap<number, number> | null {
  const counts = new Map<number, number>();
  for (const call of calls) {
    const request = attributedRequest(call, requestCount);
    if (request === null) return null;
    counts.set(request, (counts.get(request) ?? 0) + 1);
  }
  return counts;
}

/**
 * The models whose whole answer is exactly `text`: from the answers the fleet recorded per call, and in
 * canonical mode from each model's fixed answer (which names its model without any attribution).
 */
export function writersOf(text: string, calls: readonly FleetCall[], answers: CanonicalAnswers): string[] {
  const writers = new Set<string>();
  for (const call of calls) if (call.answer === text) writers.add(call.model);
  for (const [model, answer] of Object.entries(answers)) if (answer === text) writers.add(model);
  return [...writers];
}

/**
 * The model that answered a successful request: the one model whose whole answer is the returned text.
 * Null when the request did not succeed, or its text is no whole answer, or two models wrote that text.
 */
export function fleetServedModel(
  request: RequestRecord,
  calls: readonly FleetCall[],
  answers: CanonicalAnswers,
): string | null {
  if (request.outcome !== "success" || request.text === null) return null;
  const writers = writersOf(request.text, calls, answers);
  return writers.length === 1 ? (writers[0] ?? null) : null;
}

/**
 * The first call to `model` arriving at or after `afterMs` (epoch ms on the fleet clock) that the fleet
 * answered in full (`outcome: ok`): the engine back on a model, e.g. its primary after recovery. Null when
 * there is none (or the record carries no outcomes).
 */
export function firstSuccessAfter(
  calls: readonly FleetCall[],
  model: string,
  afterMs: number,
): FleetCall | null {
  return calls.find((c) => c.model === model && c.at >= afterMs && c.outcome === "ok") ?? null;
}
