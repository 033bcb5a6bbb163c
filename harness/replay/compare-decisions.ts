import type { DecisionStep, RequestDecisions } from "./decisions.ts";

/**
 * Compares the decisions of an incident with those of its replay, request by request (requests are matched
 * by arrival order, since ids differ), step by step. Decisions must be equal; times and waits may differ
 * by the tolerance (a production engine's jitter is not the replay's).
 */

/**
 * How far two times or waits may lie apart: `ms` plus `ratio` of the larger. Times are compared from the
 * request's own start (its arrival from the log's start), since jitter drift accumulates per request; with
 * backoff jitter ±j, two draws of one wait differ by up to 2j of it, so `ratio` 0.5 covers SPEC §2's ±25 %.
 */
export interface Tolerance {
  readonly ms: number;
  readonly ratio: number;
}

/** Exact: the replay of a scenario's own audit with its own seed. */
export const EXACT: Tolerance = { ms: 0, ratio: 0 };

function within(a: number, b: number, tolerance: Tolerance): boolean {
  return Math.abs(a - b) <= tolerance.ms + tolerance.ratio * Math.max(Math.abs(a), Math.abs(b));
}

function describe(tolerance: Tolerance): string {
  return tolerance.ratio === 0
    ? `${tolerance.ms} ms`
    : `${tolerance.ms} ms + ${Math.round(tolerance.ratio * 100)} %`;
}

export type DivergenceKind =
  "decision" | "time" | "wait" | "missing-step" | "extra-step" | "missing-request" | "extra-request";

export interface Divergence {
  readonly kind: DivergenceKind;
  /** Arrival index of the request. */
  readonly request: number;
  readonly originalRequestId: string | null;
  readonly replayedRequestId: string | null;
  /** 0-based step within the request. */
  readonly step: number;
  readonly original: DecisionStep | null;
  readonly replayed: DecisionStep | null;
  /** Up to three steps before the divergence, on each side (they agree). */
  readonly context: readonly DecisionStep[];
  /** One sentence. */
  readonly message: string;
}

export interface DecisionComparison {
  readonly same: boolean;
  readonly requests: number;
  readonly steps: number;
  readonly divergentRequests: number;
  /** The earliest divergence in the incident's own time. */
  readonly first: Divergence | null;
}

const CONTEXT = 3;

/** The replayed request's decision as an incident without chains states it. */
function decisionWithoutChain(step: DecisionStep): string {
  return step.text.replace(/: chain \[[^\]]*\], primary /, ": primary ");
}

function stepDivergence(
  a: DecisionStep,
  b: DecisionStep,
  step: number,
  tolerance: Tolerance,
): { kind: DivergenceKind; message: string } | null {
  const sameDecision =
    a.text === b.text || (a.withoutChain !== null && a.withoutChain === decisionWithoutChain(b));
  if (!sameDecision)
    return { kind: "decision", message: `the incident has "${a.text}", the replay "${b.text}"` };
  const timesAgree =
    step === 0
      ? within(a.atMs, b.atMs, { ms: tolerance.ms, ratio: 0 })
      : within(a.sinceRequestMs, b.sinceRequestMs, tolerance);
  if (!timesAgree) {
    return {
      kind: "time",
      message: `"${a.text}" at +${a.atMs} ms in the incident (${a.sinceRequestMs} ms into its request), +${b.atMs} ms in the replay (${b.sinceRequestMs} ms; tolerance ${describe(tolerance)})`,
    };
  }
  if (a.waitMs !== null && b.waitMs !== null && !within(a.waitMs, b.waitMs, tolerance)) {
    return {
      kind: "wait",
      message: `"${a.text}" waited ${a.waitMs} ms in the incident, ${b.waitMs} ms in the replay (tolerance ${describe(tolerance)})`,
    };
  }
  return null;
}

function requestDivergence(
  original: RequestDecisions | undefined,
  replayed: RequestDecisions | undefined,
  index: number,
  tolerance: Tolerance,
): Divergence | null {
  const ids = {
    originalRequestId: original?.requestId ?? null,
    replayedRequestId: replayed?.requestId ?? null,
  };
  if (original === undefined || replayed === undefined) {
    const missing = original !== undefined;
    return {
      kind: missing ? "missing-request" : "extra-request",
      request: index,
      ...ids,
      step: 0,
      original: original?.steps[0] ?? null,
      replayed: replayed?.steps[0] ?? null,
      context: [],
      message: missing
        ? `request #${index} of the incident was never made in the replay`
        : `the replay made a request #${index} the incident does not have`,
    };
  }
  const length = Math.max(original.steps.length, replayed.steps.length);
  for (let step = 0; step < length; step++) {
    const a = original.steps[step];
    const b = replayed.steps[step];
    const context = original.steps.slice(Math.max(0, step - CONTEXT), step);
    if (a === undefined || b === undefined) {
      return {
        kind: a === undefined ? "extra-step" : "missing-step",
        request: index,
        ...ids,
        step,
        original: a ?? null,
        replayed: b ?? null,
        context,
        message:
          a === undefined
            ? `the replay went on with "${b?.text ?? ""}" where the incident's request had ended`
            : `the replay's request ended where the incident went on with "${a.text}"`,
      };
    }
    const found = stepDivergence(a, b, step, tolerance);
    if (found !== null) return { ...found, request: index, ...ids, step, original: a, replayed: b, context };
  }
  return null;
}

function when(d: Divergence): number {
  return d.original?.atMs ?? d.replayed?.atMs ?? Number.POSITIVE_INFINITY;
}

export function compareDecisions(
  original: readonly RequestDecisions[],
  replayed: readonly RequestDecisions[],
  tolerance: Tolerance,
): DecisionComparison {
  let first: Divergence | null = null;
  let divergent = 0;
  let steps = 0;
  const count = Math.max(original.length, replayed.length);
  for (let index = 0; index < count; index++) {
    steps += original[index]?.steps.length ?? 0;
    const found = requestDivergence(original[index], replayed[index], index, tolerance);
    if (found === null) continue;
    divergent++;
    if (first === null || when(found) < when(first)) first = found;
  }
  return { same: divergent === 0, requests: original.length, steps, divergentRequests: divergent, first };
}
