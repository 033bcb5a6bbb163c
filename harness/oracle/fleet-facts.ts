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

/**
 * Each request's calls (by index, in call order; requests with none are absent), for checks that look at
 * every request's own calls: one pass, where a filter of all calls per request was quadratic.
 */
export function callsByRequest(
  calls: readonly FleetCall[],
  requestCount: number,
): ReadonlyMap<number, readonly FleetCall[]> {
  const byRequest = new Map<number, FleetCall[]>();
  for (const call of calls) {
    const request = attributedRequest(call, requestCount);
    if (request === null) continue;
    const mine = byRequest.get(request);
    if (mine === undefined) byRequest.set(request, [call]);
    else mine.push(call);
  }
  return byRequest;
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
  return [...(writersIndex(calls, answers).get(text) ?? [])];
}

/** Each run's answer → writers index, built once: a check asks for every request of the run. */
const indexes = new WeakMap<
  readonly FleetCall[],
  { answers: CanonicalAnswers; length: number; byText: WriterIndex }
>();
type WriterIndex = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Every whole answer's writers, in the order a scan would meet them (calls first, then canonical answers).
 * Asked per request, a scan of all calls made the day-long scenario's checks quadratic (3,000 × 3,100).
 */
function writersIndex(calls: readonly FleetCall[], answers: CanonicalAnswers): WriterIndex {
  const known = indexes.get(calls);
  // A record is read-only once made; the length check only guards a caller that appends to its array.
  if (known !== undefined && known.answers === answers && known.length === calls.length) return known.byText;
  const byText = new Map<string, Set<string>>();
  const add = (text: unknown, model: string): void => {
    if (typeof text !== "string") return;
    const writers = byText.get(text);
    if (writers === undefined) byText.set(text, new Set([model]));
    else writers.add(model);
  };
  for (const call of calls) add(call.answer, call.model);
  for (const [model, answer] of Object.entries(answers)) add(answer, model);
  indexes.set(calls, { answers, length: calls.length, byText });
  return byText;
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
