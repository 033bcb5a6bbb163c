import type { AuditEvent, AuditEventName } from "../audit/events.ts";
import { attemptTail, successTail } from "../audit/fragments.ts";
import { requestMembers, type AuditWriter } from "../audit/writer.ts";
import type { CircuitTransition } from "../breaker/breaker.ts";
import type { ProbeRef } from "../breaker/breaker-registry.ts";
import { classify } from "../classify/classify.ts";
import { breakerEffect, type Classification } from "../classify/taxonomy.ts";
import type { FallbackSettings } from "../config/settings.ts";
import type { ModelId } from "../core/model-id.ts";
import { decideAction, FAIL_NOW, type ActionDecision } from "./decide-action.ts";
import type { EngineRequest, EngineResult, EngineShared } from "./engine-types.ts";
import { FallbackConfigError, FallbackExhaustedError, type ExhaustedReason } from "./errors.ts";
import type { Prompt } from "./ports.ts";
import { ProviderSignal } from "./provider-signal.ts";
import type { RequestPlan } from "./request-plans.ts";
import { runAttempt, type AttemptOutcome } from "./run-attempt.ts";

/** How a walk over (part of) the chain ended, when it did not end the request itself. */
type WalkEnd =
  | { readonly kind: "served"; readonly result: EngineResult }
  | { readonly kind: "exhausted" }
  | { readonly kind: "all_open" };

/** How a walk treats the breakers. */
interface WalkMode {
  readonly breakers: boolean;
  /**
   * probe_soonest: the walk's first permission request half-opens the model even before its cooldown is
   * due. Only the first: SPEC §6 allows one probe, so a retry after it asks like any other request.
   */
  readonly force: boolean;
}

/** The two walk modes without a forced probe, made once: every request walks in one of them. */
const WITH_BREAKERS: WalkMode = { breakers: true, force: false };
const NO_BREAKERS: WalkMode = { breakers: false, force: false };
/** The chain before `execute` sets it: shared, not an empty array per request. */
const NO_MODELS: readonly ModelId[] = Object.freeze([]);

/** Ends the request: the terminal line is written, then this is thrown to the caller. */
class RequestEnded extends Error {
  constructor(readonly thrown: unknown) {
    super("The request ended.");
  }
}

/** Hands the caller what ended the request (its terminal line is written), or any other error as it came. */
function rethrowEnded(error: unknown): never {
  if (error instanceof RequestEnded) throw error.thrown;
  throw error;
}

/** One request's walk along its chain (SPEC §6). Per-request state lives here; shared state in `EngineShared`. */
export class FailoverRequest {
  readonly #shared: EngineShared;
  readonly #request: EngineRequest;
  readonly #id: string;
  /** Absent when the engine has no audit sink: every line is skipped before it is built. */
  readonly #audit: AuditWriter | undefined;
  /** This request's `request_id` and `agent`, serialised once for all its audit lines ("" without audit). */
  readonly #members: string;
  readonly #plan: RequestPlan;
  readonly #settings: FallbackSettings;
  #chain: readonly ModelId[] = NO_MODELS;
  /** The head of the configured (unpromoted) chain. */
  #configuredHead: ModelId | undefined;
  #prompt: Prompt;
  #deadlineAt = 0;
  #attempts = 0;
  #compacted = false;
  /** The signal every attempt of this request hands its provider (a new one only after an abort). */
  readonly #providerSignal = new ProviderSignal();
  /**
   * The last failure: its class, error and whether the deadline turned its retry into a fallback. Fields,
   * not an object made per failed attempt.
   */
  #lastClassification: Classification | undefined;
  #lastError: unknown;
  #lastDeadlineLimited = false;

  constructor(shared: EngineShared, request: EngineRequest, id: string) {
    this.#shared = shared;
    this.#request = request;
    this.#id = id;
    this.#audit = shared.audit;
    this.#members = shared.audit === undefined ? "" : requestMembers(id, request.agent);
    this.#plan = shared.plans.planFor(request.agent, request.model);
    this.#settings = this.#plan.settings;
    this.#prompt = request.prompt;
  }

  /**
   * Not `async`: a request's walk is its one suspended frame. An async `execute` awaiting the walk held a
   * second frame, its register file and an await's promise and closures for every request in flight
   * (issue 15 item 5: 10,000 of them under 200 MB of heap). The walk's end is concluded in the turn after
   * the walk settles, as the `await` did, so every audit line is written in the same turn as before.
   */
  execute(): Promise<EngineResult> {
    let walk: Promise<WalkEnd>;
    try {
      walk = this.#start();
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what the async method rejected with.
      return Promise.reject(error);
    }
    return walk.then(
      (end) =>
        end.kind === "all_open" && this.#settings.enabled ? this.#afterAllOpen() : this.#conclude(end),
      rethrowEnded,
    );
  }

  /** Resolves the chain, writes `fallback_request` and starts the walk; throws a config error synchronously. */
  #start(): Promise<WalkEnd> {
    const { clock } = this.#shared.ports;
    const resolved = this.#plan.resolved;
    if ("error" in resolved) {
      throw new FallbackConfigError(
        `Failed to resolve a model chain: ${resolved.error}. Set "model", agent.${this.#request.agent}.model or a chain in opencode.json.`,
      );
    }
    const now = clock.now();
    this.#deadlineAt = now + this.#settings.deadline_ms;
    this.#configuredHead = resolved.chain[0];
    this.#chain =
      this.#settings.enabled && this.#settings.promote_on_success
        ? this.#shared.promotions.effectiveChain(this.#request.agent, resolved.chain, now)
        : resolved.chain;
    if (this.#audit !== undefined) {
      if (this.#chain === resolved.chain && this.#plan.requestTail !== undefined)
        this.#audit.writeTail("fallback_request", this.#members, this.#plan.requestTail, now);
      else this.#write("fallback_request", { chain: this.#chain, primary: resolved.primary }, now);
    }
    // SPEC §2: with fallback off, one attempt on the primary, breakers untouched, the error surfaced as it came.
    if (!this.#settings.enabled) return this.#walk([resolved.primary], NO_BREAKERS, true, now);
    return this.#walk(
      this.#chain,
      this.#settings.circuit_breaker.enabled ? WITH_BREAKERS : NO_BREAKERS,
      false,
      now,
    );
  }

  /** Every model was skipped for an open circuit: what `on_all_open` says, then the request's end. */
  async #afterAllOpen(): Promise<EngineResult> {
    try {
      return this.#conclude(await this.#whenAllOpen());
    } catch (error) {
      return rethrowEnded(error);
    }
  }

  /** SPEC §6: every model was skipped for an open circuit. */
  async #whenAllOpen(): Promise<WalkEnd> {
    switch (this.#settings.on_all_open) {
      case "fail_fast":
        return { kind: "all_open" };
      case "bypass":
        return this.#walk(this.#chain, NO_BREAKERS, false, this.#shared.ports.clock.now());
      case "probe_soonest": {
        // Judged now, when the probe is forced: concurrent requests share the breakers and may have moved
        // a circuit since this request's skips (docs/decisions.md).
        const soonest = this.#shared.breakers.soonestToClose(this.#chain);
        if (soonest === undefined) return { kind: "all_open" };
        return this.#walk([soonest], { breakers: true, force: true }, false, this.#shared.ports.clock.now());
      }
      default: {
        const unreachable: never = this.#settings.on_all_open;
        return unreachable;
      }
    }
  }

  #conclude(end: WalkEnd): EngineResult {
    switch (end.kind) {
      case "served":
        return end.result;
      case "all_open":
        this.#exhaust("all_open", null);
        throw new FallbackExhaustedError({
          reason: "all_open",
          attempts: this.#attempts,
          classification: null,
          chain: this.#chain,
        });
      case "exhausted": {
        const last = this.#lastClassification;
        const reason: ExhaustedReason =
          last === undefined ? "all_open" : this.#lastDeadlineLimited ? "deadline" : last.reason;
        this.#exhaust(reason, last ?? null);
        throw new FallbackExhaustedError({
          reason,
          attempts: this.#attempts,
          classification: last ?? null,
          chain: this.#chain,
          cause: this.#lastError,
        });
      }
      default: {
        const unreachable: never = end;
        return unreachable;
      }
    }
  }

  /**
   * Walks `models` in order; returns how it ended, or throws RequestEnded after writing the terminal line.
   * `single` is `fallback.enabled: false`: one attempt, whatever the class. `startNow` is the clock as the
   * caller read it in this synchronous step.
   *
   * The clock is read once per synchronous step (here: at the start and after each await) and that one
   * reading serves everything the step does: a clock read is a system call on some machines, and a request
   * served at once used to read it a dozen times. On a virtual clock every read in a step gave the same
   * time anyway; on the real one they differed by microseconds.
   */
  async #walk(
    models: readonly ModelId[],
    mode: WalkMode,
    single: boolean,
    startNow: number,
  ): Promise<WalkEnd> {
    const { clock } = this.#shared.ports;
    let now = startNow;
    let denied = 0;
    const attemptsBefore = this.#attempts;
    for (let index = 0; index < models.length; index++) {
      const model = models[index] as ModelId;
      let modelAttempt = 0;
      let compactionRetries = 0;
      for (;;) {
        if (now >= this.#deadlineAt) {
          for (const skipped of models.slice(index))
            this.#write("fallback_model_skipped", { model: skipped, reason: "deadline" }, now);
          this.#exhaust("deadline", this.#lastClassification ?? null, now);
          throw new RequestEnded(
            new FallbackExhaustedError({
              reason: "deadline",
              attempts: this.#attempts,
              classification: this.#lastClassification ?? null,
              chain: this.#chain,
              cause: this.#lastError,
            }),
          );
        }
        // The whole permit, not a flag: it pins a probe to its half-open period (a late outcome of an
        // earlier period must not free a slot of the current one).
        let probe: ProbeRef = false;
        if (mode.breakers) {
          const force = mode.force && this.#attempts === attemptsBefore;
          const { decision, transitions } = this.#shared.breakers.acquire(
            model,
            now,
            this.#settings.circuit_breaker,
            { force },
          );
          this.#writeTransitions(model, transitions, now);
          if (!decision.granted) {
            this.#write("fallback_model_skipped", { model, reason: decision.reason }, now);
            denied++;
            break;
          }
          probe = decision;
        }
        this.#attempts++;
        modelAttempt++;
        this.#audit?.writeTail(
          "fallback_attempt",
          this.#members,
          attemptTail(model, this.#attempts, modelAttempt),
          now,
        );
        const startedAt = now;
        const outcome = await this.#attempt(model, startedAt);
        now = clock.now();
        // Clocks may run on fractional milliseconds (a virtual clock driven by drawn latencies); the audit holds integers.
        const latency = Math.round(now - startedAt);
        if (outcome.ok)
          return { kind: "served", result: this.#serve(model, outcome.text, probe, mode, latency, now) };

        const classification = this.#classifyFailure(outcome, now);
        const decision = this.#decide(outcome, classification, modelAttempt, compactionRetries, single, now);
        this.#lastClassification = classification;
        this.#lastError = outcome.error;
        this.#lastDeadlineLimited = decision.action === "fallback" && decision.deadlineLimited === true;
        if (outcome.afterFirstToken && this.#request.stream) {
          this.#request.onDelta?.({ type: "reset", model, reason: classification.reason });
        }
        // Guarded here, not only in #write: without audit the line's fields are not even gathered.
        if (this.#audit !== undefined)
          this.#write(
            "fallback_failure",
            {
              model,
              attempt: this.#attempts,
              model_attempt: modelAttempt,
              error_type: classification.type,
              reason: classification.reason,
              status: classification.status,
              retry_after_ms: classification.retry_after_ms,
              action: decision.action,
              delay_ms: decision.delayMs,
              latency_ms: latency,
            },
            now,
          );
        if (mode.breakers) this.#recordFailure(model, classification, probe, now);
        // A promoted model that fails loses its place: the configured order returns (SPEC §5).
        this.#shared.promotions.demote(this.#request.agent, model);
        switch (decision.action) {
          case "fail": {
            // A `fail` surfaces the provider's error untouched; only our own budget running out is ours to name.
            const reason: ExhaustedReason =
              outcome.source === "deadline" ? "deadline" : classification.reason;
            this.#exhaust(reason, classification, now);
            throw new RequestEnded(
              outcome.source === "deadline"
                ? new FallbackExhaustedError({
                    reason,
                    attempts: this.#attempts,
                    classification,
                    chain: this.#chain,
                    cause: outcome.error,
                  })
                : outcome.error,
            );
          }
          case "retry":
            await this.#wait(decision.delayMs, classification);
            now = clock.now();
            continue;
          case "compact":
            this.#prompt = await this.#compact(model);
            now = clock.now();
            this.#compacted = true;
            compactionRetries++;
            continue;
          case "fallback":
            break;
          default: {
            const unreachable: never = decision;
            return unreachable;
          }
        }
        break;
      }
    }
    // "Every model skipped for open circuits" (SPEC §6) means none could be tried at all in this walk; a
    // model that failed and then opened is exhausted, not all-open, so on_all_open never re-walks it.
    return denied === models.length && this.#attempts === attemptsBefore
      ? { kind: "all_open" }
      : { kind: "exhausted" };
  }

  #attempt(model: ModelId, now: number): Promise<AttemptOutcome> {
    const { clock, caller } = this.#shared.ports;
    const onDelta = this.#request.onDelta;
    return runAttempt({
      caller,
      clock,
      model,
      prompt: this.#prompt,
      stream: this.#request.stream,
      callerSignal: this.#request.signal,
      deadlineAt: this.#deadlineAt,
      ttftTimeoutMs: this.#settings.ttft_timeout_ms,
      stallTimeoutMs: this.#settings.stall_timeout_ms,
      onText: onDelta ? (text) => onDelta({ type: "text", text, model }) : undefined,
      providerSignal: this.#providerSignal,
      now,
    });
  }

  /** A failed attempt's class as the request sees it: the caller's abort is `aborted`, a cut mid-stream `stream_cut`. */
  #classifyFailure(outcome: Extract<AttemptOutcome, { ok: false }>, now: number): Classification {
    const classification = classify(outcome.error, {
      retry_after_cap_ms: this.#settings.retry_after_cap_ms,
      now_ms: now,
    });
    if (outcome.source === "caller") return { ...classification, type: "LogicError", reason: "aborted" };
    return outcome.afterFirstToken && classification.reason === "connection"
      ? { ...classification, reason: "stream_cut" }
      : classification;
  }

  /**
   * What to do after a failed attempt of class `classification` (#classifyFailure's). Returned apart from
   * the class, not spread into one object with it: that was a copy of the decision per failed attempt.
   */
  #decide(
    outcome: Extract<AttemptOutcome, { ok: false }>,
    classification: Classification,
    modelAttempt: number,
    compactionRetries: number,
    single: boolean,
    now: number,
  ): ActionDecision {
    // The caller's abort ends the request; fallback.enabled: false makes exactly one attempt (SPEC §2);
    // the deadline ends the request.
    if (outcome.source === "caller" || single || outcome.source === "deadline") return FAIL_NOW;
    const { random, compact } = this.#shared.ports;
    return decideAction({
      classification,
      settings: this.#settings,
      modelAttempt,
      compactionRetries,
      canCompact: compact !== undefined && !this.#compacted,
      afterFirstToken: outcome.afterFirstToken,
      remainingMs: this.#deadlineAt - now,
      random,
    });
  }

  #serve(
    model: ModelId,
    text: string,
    probe: ProbeRef,
    mode: WalkMode,
    latency: number,
    now: number,
  ): EngineResult {
    if (mode.breakers)
      this.#writeTransitions(
        model,
        this.#shared.breakers.recordSuccess(model, probe, now, this.#settings.circuit_breaker),
        now,
      );
    const fallback = model !== this.#chain[0];
    if (
      fallback &&
      model !== this.#configuredHead &&
      this.#settings.enabled &&
      this.#settings.promote_on_success
    ) {
      const { until } = this.#shared.promotions.promote(
        this.#request.agent,
        model,
        now,
        this.#settings.sticky_ms,
      );
      this.#write("fallback_promoted", { model, until: new Date(until).toISOString() }, now);
    }
    this.#audit?.writeTail(
      "fallback_success",
      this.#members,
      successTail(model, this.#attempts, latency, fallback),
      now,
    );
    return { requestId: this.#id, model, text, attempts: this.#attempts, fallback };
  }

  #recordFailure(model: ModelId, classification: Classification, probe: ProbeRef, now: number): void {
    const settings = this.#settings.circuit_breaker;
    const effect = breakerEffect(classification.reason);
    const transitions =
      effect === "none"
        ? this.#shared.breakers.release(model, probe, now, settings)
        : this.#shared.breakers.recordFailure(
            model,
            {
              effect,
              reason: classification.reason,
              probe,
              // SPEC §4: quota trips with cooldown = max(cooldown_ms, Retry-After).
              cooldownMs:
                classification.reason === "quota_exhausted" && classification.retry_after_ms !== null
                  ? Math.max(settings.cooldown_ms, classification.retry_after_ms)
                  : undefined,
            },
            now,
            settings,
          );
    this.#writeTransitions(model, transitions, now);
  }

  async #wait(delayMs: number, classification: Classification): Promise<void> {
    try {
      await this.#shared.ports.clock.sleep(delayMs, this.#request.signal);
    } catch (error) {
      this.#exhaust("aborted", { ...classification, type: "LogicError", reason: "aborted" });
      throw new RequestEnded(error);
    }
  }

  async #compact(model: ModelId): Promise<Prompt> {
    const hook = this.#shared.ports.compact;
    if (hook === undefined) return this.#prompt;
    return hook({ model, prompt: this.#prompt });
  }

  /** `now`: the clock as read in this synchronous step, if it was (else the writer reads it). */
  #exhaust(reason: ExhaustedReason, classification: Classification | null, now?: number): void {
    this.#write(
      "fallback_exhausted",
      { attempts: this.#attempts, error_type: classification?.type ?? null, reason },
      now,
    );
  }

  #writeTransitions(model: ModelId, transitions: readonly CircuitTransition[], now: number): void {
    if (this.#audit === undefined) return;
    for (const t of transitions) {
      this.#write(
        "circuit_transition",
        {
          model,
          from: t.from,
          to: t.to,
          failures: t.failures,
          cooldown_until: t.cooldownUntil === null ? null : new Date(t.cooldownUntil).toISOString(),
          cause: t.cause,
        },
        now,
      );
    }
  }

  /** One audit line of this request; `fields` in schema order (the writer serialises them as given). */
  #write<E extends AuditEventName>(event: E, fields: EventFields<E>, now?: number): void {
    this.#audit?.writeEvent(event, this.#members, fields, now);
  }
}

/**
 * An event's own fields: its schema type without the stamp, the name and the request's members, and without
 * the `x_` index signature (which would make `Omit` collapse every named field into `unknown`).
 */
type EventFields<E extends AuditEventName> = {
  [
    K in keyof Extract<AuditEvent, { event: E }> as string extends K
      ? never
      : K extends "v" | "seq" | "ts" | "event" | "request_id" | "agent"
        ? never
        : K
  ]: ReadonlyList<Extract<AuditEvent, { event: E }>[K]>;
};

/** Lists are serialised at once and never kept, so the engine may hand over its own readonly ones. */
type ReadonlyList<T> = T extends (infer Item)[] ? readonly Item[] : T;
