import type { DecisionStep, RequestDecisions } from "./decisions.ts";
import { gapProblem, waitProblem, type WaitSettings } from "./wait-bounds.ts";

/**
 * Compares the decisions of an incident with those of its replay, request by request (requests are matched
 * by arrival order, since ids differ), step by step. Decisions must be equal. Waits are not compared with
 * each other: each side's wait is judged by what the config allows (SPEC §4: backoff with its jitter,
 * max(backoff, Retry-After), the Retry-After cap, the deadline), so two draws of one jitter are equal and
 * a wait no conforming engine would take is a divergence. Times are compared with the waits taken out,
 * within the tolerance (latency and arrival are replayed, but a production clock is not exact).
 */

/**
 * How far two times may lie apart once waits are taken out: `ms` plus `ratio` of the larger. Times are
 * compared from the request's own start (its arrival from the log's start). `ms` is also the slack of a
 * wait actually taken (the log's gap between a failure and the next step) and of the deadline.
 */
export interface Tolerance {
  readonly ms: number;
  readonly ratio: number;
}

/** Exact: the replay of a scenario's own audit with its own seed. */
export const EXACT: Tolerance = { ms: 0, ratio: 0 };

/** What the comparison needs beyond the two logs. */
export interface CompareOptions {
  readonly tolerance: Tolerance;
  /** The settings that bound the waits of a request by `agent` (the config given to replay, or inferred). */
  readonly settingsFor: (agent: string) => WaitSettings;
}

function within(a: number, b: number, tolerance: Tolerance): boolean {
  return Math.abs(a - b) <= tolerance.ms + tolerance.ratio * Math.max(Math.abs(a), Math.abs(b));
}

export function describeTolerance(tolerance: Tolerance): string {
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
  /** Whose wait broke the config, for a `wait` divergence; null otherwise. */
  readonly side: "incident" | "replay" | null;
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

type StepDivergence = { kind: DivergenceKind; side: "incident" | "replay" | null; message: string };

const BROKE = {
  incident:
    "The incident's engine broke its config here; an engine that keeps to the config cannot reproduce this wait.",
  replay: "The replayed engine broke its config here.",
} as const;

/** A wait (announced, or as the log shows it taken) outside what the config allows, on either side. */
function waitDivergence(
  index: number,
  sides: readonly { side: "incident" | "replay"; steps: readonly DecisionStep[]; step: DecisionStep }[],
  options: CompareOptions,
  agent: string,
): StepDivergence | null {
  const settings = options.settingsFor(agent);
  const slack = options.tolerance.ms;
  for (const { side, steps, step } of sides) {
    let problem: string | null = null;
    let attempt = 0;
    if (step.wait !== null) {
      problem = waitProblem(step.wait, settings, step.sinceRequestMs, slack);
      attempt = step.wait.attempt;
    } else if (step.endsWait !== null && !step.endsWait.cut) {
      const announced = steps[step.endsWait.failureStep]?.wait ?? null;
      if (announced !== null) {
        problem = gapProblem(announced, step.endsWait.gapMs, settings, slack);
        attempt = announced.attempt;
      }
    }
    if (problem !== null)
      return {
        kind: "wait",
        side,
        message: `request #${index} attempt ${attempt}: ${problem}. ${BROKE[side]}`,
      };
  }
  return null;
}

/** The time of a step from its request's start, less the waits taken by then (each judged by its bounds). */
const activeMs = (step: DecisionStep): number => step.sinceRequestMs - step.waitedBeforeMs;

function stepDivergence(
  original: RequestDecisions,
  replayed: RequestDecisions,
  step: number,
  options: CompareOptions,
): StepDivergence | null {
  const a = original.steps[step];
  const b = replayed.steps[step];
  if (a === undefined || b === undefined) return null;
  const sameDecision =
    a.text === b.text || (a.withoutChain !== null && a.withoutChain === decisionWithoutChain(b));
  if (!sameDecision)
    return { kind: "decision", side: null, message: `the incident has "${a.text}", the replay "${b.text}"` };
  const wait = waitDivergence(
    original.index,
    [
      { side: "incident", steps: original.steps, step: a },
      { side: "replay", steps: replayed.steps, step: b },
    ],
    options,
    original.agent,
  );
  if (wait !== null) return wait;
  const { tolerance } = options;
  if (
    step === 0
      ? !within(a.atMs, b.atMs, { ms: tolerance.ms, ratio: 0 })
      : !within(activeMs(a), activeMs(b), tolerance)
  ) {
    const waits = (s: DecisionStep) =>
      s.waitedBeforeMs === 0 ? "" : `, ${s.waitedBeforeMs} ms of it waiting`;
    return {
      kind: "time",
      side: null,
      message: `"${a.text}" at +${a.atMs} ms in the incident (${a.sinceRequestMs} ms into its request${waits(a)}), +${b.atMs} ms in the replay (${b.sinceRequestMs} ms${waits(b)}); apart from waits, tolerance ${describeTolerance(tolerance)}`,
    };
  }
  return null;
}

function requestDivergence(
  original: RequestDecisions | undefined,
  replayed: RequestDecisions | undefined,
  index: number,
  options: CompareOptions,
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
      side: null,
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
        side: null,
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
    const found = stepDivergence(original, replayed, step, options);
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
  options: CompareOptions,
): DecisionComparison {
  let first: Divergence | null = null;
  let divergent = 0;
  let steps = 0;
  const count = Math.max(original.length, replayed.length);
  for (let index = 0; index < count; index++) {
    steps += original[index]?.steps.length ?? 0;
    const found = requestDivergence(original[index], replayed[index], index, options);
    if (found === null) continue;
    divergent++;
    if (first === null || when(found) < when(first)) first = found;
  }
  return { same: divergent === 0, requests: original.length, steps, divergentRequests: divergent, first };
}
