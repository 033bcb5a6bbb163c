import {
  AuditWriter,
  BreakerRegistry,
  breakerEffect,
  classify,
  createAiSdkCaller,
  decideAction,
  FallbackExhaustedError,
  JsonlFileSink,
  resolveChain,
  settingsFor,
  StreamFailureError,
  type AuditEventBody,
  type AuditSink,
  type BreakerEffect,
  type Classification,
  type CircuitTransition,
  type EngineUnderTest,
  type EngineUnderTestRequest,
  type EngineUnderTestResult,
  type ModelCaller,
  type ModelId,
  type Reason,
} from "../../../src/index.ts";

/**
 * Code-level bugs a hand-written engine can have, each a hook with the correct behaviour as its default.
 * With no hook set, the mini engine is a faithful (if small) engine, which the defect tests check, so a
 * variant's failure is its planted bug and not the mini engine's own shortcuts.
 */
export interface MiniBugs {
  /** What the retry planner is told about the failure (default: the classification itself). */
  readonly planWith?: (classification: Classification) => Classification;
  /** The model attempt number the retry budget is judged on (default: the real one). */
  readonly budgetAttempt?: (modelAttempt: number, requestAttempt: number) => number;
  /** The breaker effect recorded for a reason (default: SPEC §3's). */
  readonly effect?: (reason: Reason) => BreakerEffect;
  /** Whether a retry actually waits its logged `delay_ms` (default: true). */
  readonly waits?: boolean;
}

/**
 * A small hand-written failover loop from the public pieces (`resolveChain`, `classify`, `decideAction`,
 * `BreakerRegistry`, `AuditWriter`) — the shape of a third-party engine. Its shortcuts, kept out of the
 * scenarios that use it: no promotion, no compaction (context overflow falls back), no `on_all_open`
 * (a fully open chain ends `all_open`), no TTFT/stall watchdogs and no deadline check between attempts
 * beyond the retry planner's own.
 */
export function miniEngine(name: string, bugs: MiniBugs = {}): EngineUnderTest {
  return {
    name,
    create(ctx) {
      const sink: AuditSink = "append" in ctx.audit ? ctx.audit : JsonlFileSink.open(ctx.audit.path);
      const writer = new AuditWriter(sink, ctx.clock);
      const caller = createAiSdkCaller({ endpoints: ctx.endpoints, fetch: ctx.fetch });
      const breakers = new BreakerRegistry();
      const random = { next: ctx.random };
      let counter = 0;
      return {
        run: (request) =>
          runRequest({
            ctx,
            request,
            writer,
            caller,
            breakers,
            random,
            bugs,
            id: `req-${String(++counter).padStart(6, "0")}`,
          }),
        close: async () => {
          await sink.close?.();
        },
      };
    },
  };
}

interface RequestInput {
  readonly ctx: Parameters<EngineUnderTest["create"]>[0];
  readonly request: EngineUnderTestRequest;
  readonly writer: AuditWriter;
  readonly caller: ModelCaller;
  readonly breakers: BreakerRegistry;
  readonly random: { next: () => number };
  readonly bugs: MiniBugs;
  readonly id: string;
}

type Body = AuditEventBody extends infer E
  ? E extends AuditEventBody
    ? Omit<E, "request_id" | "agent">
    : never
  : never;

type Outcome =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly error: unknown; readonly afterFirstToken: boolean };

async function callOnce(input: RequestInput, model: ModelId, signal: AbortSignal): Promise<Outcome> {
  let text = "";
  try {
    for await (const part of input.caller.call({
      model,
      prompt: input.request.prompt,
      stream: input.request.stream,
      signal,
    })) {
      switch (part.type) {
        case "text":
          text += part.text;
          if (input.request.stream && part.text.length > 0)
            input.request.onDelta?.({ type: "text", text: part.text, model });
          break;
        case "error":
          return { ok: false, error: part.error, afterFirstToken: text.length > 0 };
        case "finish":
          if (
            part.finishReason === "stop" ||
            part.finishReason === "length" ||
            part.finishReason === "tool-calls"
          )
            return { ok: true, text };
          return {
            ok: false,
            error:
              part.finishReason === "content-filter"
                ? { finishReason: "content-filter" }
                : new StreamFailureError("stream_incomplete", "The stream finished without a clean stop."),
            afterFirstToken: text.length > 0,
          };
        default: {
          const unreachable: never = part;
          return unreachable;
        }
      }
    }
    return {
      ok: false,
      error: new StreamFailureError("stream_incomplete", "The stream ended without its end marker."),
      afterFirstToken: text.length > 0,
    };
  } catch (error) {
    return { ok: false, error, afterFirstToken: text.length > 0 };
  }
}

async function runRequest(input: RequestInput): Promise<EngineUnderTestResult> {
  const { ctx, request, writer, breakers, bugs } = input;
  const write = (body: Body): void => {
    writer.write({ ...body, request_id: input.id, agent: request.agent });
  };
  const writeTransitions = (model: ModelId, transitions: readonly CircuitTransition[]): void => {
    for (const t of transitions) {
      write({
        event: "circuit_transition",
        model,
        from: t.from,
        to: t.to,
        failures: t.failures,
        cooldown_until: t.cooldownUntil === null ? null : new Date(t.cooldownUntil).toISOString(),
        cause: t.cause,
      });
    }
  };
  const settings = settingsFor(ctx.config, request.agent);
  const breaker = settings.circuit_breaker;
  const asked = request.model as ModelId | undefined;
  const resolved = resolveChain(
    ctx.config,
    asked === undefined ? { agent: request.agent } : { agent: request.agent, model: asked },
  );
  if ("error" in resolved)
    throw new Error(`Failed to resolve a chain: ${resolved.error}. Configure a model.`);
  const { chain } = resolved;
  const deadlineAt = ctx.clock.now() + settings.deadline_ms;
  const signal = request.signal ?? new AbortController().signal;
  write({ event: "fallback_request", chain: [...chain], primary: resolved.primary });
  let attempts = 0;
  let last: { classification: Classification; error: unknown; deadline: boolean } | undefined;
  for (const model of chain) {
    let modelAttempt = 0;
    for (;;) {
      const permit = breaker.enabled ? breakers.acquire(model, ctx.clock.now(), breaker) : undefined;
      if (permit) {
        writeTransitions(model, permit.transitions);
        if (!permit.decision.granted) {
          write({ event: "fallback_model_skipped", model, reason: permit.decision.reason });
          break;
        }
      }
      attempts++;
      modelAttempt++;
      write({ event: "fallback_attempt", model, attempt: attempts, model_attempt: modelAttempt });
      const startedAt = ctx.clock.now();
      const outcome = await callOnce(input, model, signal);
      const latency = Math.round(ctx.clock.now() - startedAt);
      const probe = permit?.decision ?? false;
      if (outcome.ok) {
        if (breaker.enabled)
          writeTransitions(model, breakers.recordSuccess(model, probe, ctx.clock.now(), breaker));
        write({
          event: "fallback_success",
          model,
          attempt: attempts,
          latency_ms: latency,
          fallback: model !== chain[0],
        });
        return { model, text: outcome.text, attempts };
      }
      const raw = classify(outcome.error, {
        retry_after_cap_ms: settings.retry_after_cap_ms,
        now_ms: ctx.clock.now(),
      });
      const classification: Classification =
        outcome.afterFirstToken && raw.reason === "connection" ? { ...raw, reason: "stream_cut" } : raw;
      const decision = decideAction({
        classification: bugs.planWith ? bugs.planWith(classification) : classification,
        settings,
        modelAttempt: bugs.budgetAttempt ? bugs.budgetAttempt(modelAttempt, attempts) : modelAttempt,
        compactionRetries: 0,
        canCompact: false,
        afterFirstToken: outcome.afterFirstToken,
        remainingMs: deadlineAt - ctx.clock.now(),
        random: input.random,
      });
      last = {
        classification,
        error: outcome.error,
        deadline: decision.action === "fallback" && decision.deadlineLimited === true,
      };
      if (outcome.afterFirstToken && request.stream)
        request.onDelta?.({ type: "reset", model, reason: classification.reason });
      write({
        event: "fallback_failure",
        model,
        attempt: attempts,
        model_attempt: modelAttempt,
        error_type: classification.type,
        reason: classification.reason,
        status: classification.status,
        retry_after_ms: classification.retry_after_ms,
        action: decision.action,
        delay_ms: decision.delayMs,
        latency_ms: latency,
      });
      if (breaker.enabled) {
        const effect = bugs.effect
          ? bugs.effect(classification.reason)
          : breakerEffect(classification.reason);
        const now = ctx.clock.now();
        const quotaCooldown =
          classification.reason === "quota_exhausted" && classification.retry_after_ms !== null
            ? { cooldownMs: Math.max(breaker.cooldown_ms, classification.retry_after_ms) }
            : {};
        writeTransitions(
          model,
          effect === "none"
            ? breakers.release(model, probe, now, breaker)
            : breakers.recordFailure(
                model,
                { effect, reason: classification.reason, probe, ...quotaCooldown },
                now,
                breaker,
              ),
        );
      }
      if (decision.action === "fail") {
        write({
          event: "fallback_exhausted",
          attempts,
          error_type: classification.type,
          reason: classification.reason,
        });
        throw outcome.error instanceof Error ? outcome.error : new Error(classification.message);
      }
      if (decision.action !== "retry") break;
      if (bugs.waits ?? true) await ctx.clock.sleep(decision.delayMs, signal);
    }
  }
  const reason = last === undefined ? "all_open" : last.deadline ? "deadline" : last.classification.reason;
  write({ event: "fallback_exhausted", attempts, error_type: last?.classification.type ?? null, reason });
  throw new FallbackExhaustedError({
    reason,
    attempts,
    classification: last?.classification ?? null,
    chain,
    cause: last?.error,
  });
}
