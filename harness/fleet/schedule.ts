import { deriveRandom, type Random } from "../../src/index.ts";
import type { Fault, FaultBinding } from "./faults.ts";

/** The request facts a schedule decides on. */
export interface ScheduleRequest {
  readonly provider: string;
  /** Full model id, `provider/model`. */
  readonly modelId: string;
  /** The API key the request presented (token buckets per key). */
  readonly apiKey: string;
  /** Fleet clock, epoch milliseconds. */
  readonly nowMs: number;
}

/** A fault that fired for a request, with the label the request log shows. */
export interface FiredFault {
  readonly name: string;
  readonly fault: Fault;
}

/** A token bucket that ran dry: when the next token arrives, for Retry-After and rate-limit headers. */
export interface BucketVerdict {
  readonly limit: number;
  readonly retryAfterMs: number;
}

/** What the schedule decided for one request. */
export interface Selection {
  /** Faults that shape timing and framing (latency, stall, slow_ttft, dribble, split_frames); all apply. */
  readonly shapers: readonly FiredFault[];
  /** The one fault that decides the answer, if any (the first binding that fires). */
  readonly primary: (FiredFault & { readonly bucket?: BucketVerdict }) | null;
}

const SHAPERS = new Set<Fault["kind"]>(["latency", "stall", "slow_ttft", "dribble", "split_frames"]);

/** True for a fault that shapes an answer rather than deciding it. */
export function isShaper(fault: Fault): boolean {
  return SHAPERS.has(fault.kind);
}

/** A latency `sequence` resolved for its n-th firing (1-based): that value, or 0 once the list is used up. */
function pinSequence(fault: Fault, firing: number): Fault {
  if (fault.kind !== "latency" || fault.distribution.type !== "sequence") return fault;
  return { kind: "latency", distribution: { type: "fixed", ms: fault.distribution.ms[firing - 1] ?? 0 } };
}

interface Bucket {
  tokens: number;
  last: number;
}

/**
 * The stateful part of the fault catalogue: which bindings fire for a request. Bindings are tried in order;
 * every firing shaper applies, and the first firing deciding fault wins (later ones are not evaluated, so
 * their `times` budgets are untouched). Probability draws come from one seeded stream per binding and
 * model (`fleet/<provider>/<model>/when/<index>`), so one model's traffic never shifts another's draws.
 */
export class FaultSchedule {
  readonly #bindings: readonly FaultBinding[];
  readonly #seed: number;
  readonly #startMs: number;
  readonly #fired: number[];
  readonly #draws = new Map<string, Random>();
  readonly #buckets = new Map<string, Bucket>();

  constructor(bindings: readonly FaultBinding[], seed: number, startMs: number) {
    this.#bindings = bindings;
    this.#seed = seed;
    this.#startMs = startMs;
    this.#fired = bindings.map(() => 0);
  }

  /** Decides the faults for one request and advances the schedules' state. */
  select(request: ScheduleRequest): Selection {
    const shapers: FiredFault[] = [];
    let primary: Selection["primary"] = null;
    for (const [index, binding] of this.#bindings.entries()) {
      const shaper = isShaper(binding.fault);
      if (!shaper && primary !== null) continue;
      if (!targets(binding.target, request) || !this.#whenHolds(binding, index, request)) continue;
      const name = binding.name ?? binding.fault.kind;
      const fault = binding.fault;
      if (fault.kind === "auth_revoked" && request.nowMs - this.#startMs < fault.at) continue;
      let bucket: BucketVerdict | undefined;
      if (fault.kind === "token_bucket") {
        const verdict = this.#take(fault, index, request);
        if (verdict === null) continue;
        bucket = verdict;
      }
      this.#fired[index] = (this.#fired[index] ?? 0) + 1;
      if (shaper) shapers.push({ name, fault: pinSequence(fault, this.#fired[index] ?? 0) });
      else primary = bucket === undefined ? { name, fault } : { name, fault, bucket };
    }
    return { shapers, primary };
  }

  /** How many times each binding has fired, in binding order. */
  get firedCounts(): readonly number[] {
    return [...this.#fired];
  }

  #whenHolds(binding: FaultBinding, index: number, request: ScheduleRequest): boolean {
    const when = binding.when;
    if (when === undefined) return true;
    const elapsed = request.nowMs - this.#startMs;
    if (when.from !== undefined && elapsed < when.from) return false;
    if (when.until !== undefined && elapsed >= when.until) return false;
    if (when.times !== undefined && (this.#fired[index] ?? 0) >= when.times) return false;
    if (when.probability !== undefined) {
      const key = `${index}|${request.modelId}`;
      let random = this.#draws.get(key);
      if (random === undefined) {
        random = deriveRandom(this.#seed, `fleet/${request.modelId}/when/${index}`);
        this.#draws.set(key, random);
      }
      if (random.next() >= when.probability) return false;
    }
    return true;
  }

  /**
   * Continuous-refill token bucket: `limit` tokens, refilled at `limit / per` per millisecond. Returns null
   * when a token was taken (the request passes), else when the next whole token arrives.
   */
  #take(
    fault: Extract<Fault, { kind: "token_bucket" }>,
    index: number,
    request: ScheduleRequest,
  ): BucketVerdict | null {
    const key = `${index}|${fault.scope === "model" ? request.modelId : request.apiKey}`;
    const rate = fault.limit / fault.per;
    const bucket = this.#buckets.get(key) ?? { tokens: fault.limit, last: request.nowMs };
    bucket.tokens = Math.min(fault.limit, bucket.tokens + (request.nowMs - bucket.last) * rate);
    bucket.last = request.nowMs;
    this.#buckets.set(key, bucket);
    // A hair of slack so float error never refuses a client that waited exactly the advertised time.
    if (bucket.tokens >= 1 - 1e-9) {
      bucket.tokens = Math.max(0, bucket.tokens - 1);
      return null;
    }
    // The tolerance keeps float noise (1.0000000000000009 ms) from rounding a wait up by a whole millisecond.
    return { limit: fault.limit, retryAfterMs: Math.max(1, Math.ceil((1 - bucket.tokens) / rate - 1e-6)) };
  }
}

/** `*`, a provider name, or a full model id. */
function targets(target: string, request: ScheduleRequest): boolean {
  return target === "*" || target === request.provider || target === request.modelId;
}
