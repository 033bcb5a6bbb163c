import { generateText, streamText } from "ai";
import {
  circuitBreaker,
  ConsecutiveBreaker,
  DelegateBackoff,
  fallback,
  handleWhen,
  isBrokenCircuitError,
  retry,
  timeout,
  TimeoutStrategy,
  wrap,
  type IHalfOpenAfterBackoffContext,
  type IPolicy,
  type IRetryBackoffContext,
} from "cockatiel";
import type { EngineUnderTest, ModelId } from "fallback-harness";
import { asError, chainFor, languageModelFor, messagesOf } from "./ai-sdk-models.ts";
import { decide, retryAfterMs } from "./status-classes.ts";

// cockatiel composed as its README shows — per model wrap(retry, circuit breaker, timeout), and a fallback
// policy to the next model — configured as a user would for the scenario's policy: numbers from its config
// and predicates from SPEC §3 by HTTP status and headers (./status-classes.ts, with the config's
// `fallback.actions` and `retry_after_cap_ms`): retry only the retry classes, fall back on the rest but
// `fail`. Two breakers per model, since cockatiel's breakers count one way each: a ConsecutiveBreaker of
// `failure_threshold` on every failure the SPEC counts, and one of 1 on the failures that trip at once
// (auth, permission, model not found, quota). cockatiel has no Retry-After support, so its backoffs are
// DelegateBackoffs that read it from the error: the retry waits SPEC §4's exponential wait for the class
// (network or rate limit, ± jitter from the seeded random) or the Retry-After if longer, and an open
// circuit its cooldown or the Retry-After if longer. The AI SDK's own retries are
// off (`maxRetries: 0`): cockatiel is the retry layer. A `content-filter` finish (or an answer with no
// finish reason) is thrown inside the policy, so its predicates see it. Its backoff, breaker half-open and
// timeout run on real timers, which the harness puts on the scenario's virtual clock. cockatiel has no
// idle timeout: `stall_timeout_ms` is not expressed (the timeout is per attempt, `ttft_timeout_ms`).

interface Served {
  readonly model: ModelId;
  readonly text: string;
}

const engine: EngineUnderTest = {
  name: "cockatiel",
  create(ctx) {
    const settings = ctx.config.fallback;
    const decision = (error: unknown) => decide(error, settings, ctx.clock.now());
    // An open circuit is not retried: the fallback policy moves on to the next model at once.
    const retryable = (error: Error) => !isBrokenCircuitError(error) && decision(error).action === "retry";
    const backoff = new DelegateBackoff<IRetryBackoffContext<unknown>>(({ attempt, result }) => {
      const error = "error" in result ? result.error : undefined;
      const policy =
        decision(error).type === "ProviderRateLimit" ? settings.backoff.rate_limit : settings.backoff.network;
      const exponential = Math.min(policy.max_ms, policy.base_ms * policy.factor ** (attempt - 1));
      const jittered = exponential * (1 + policy.jitter * (2 * ctx.random() - 1));
      return Math.max(jittered, retryAfterMs(error, ctx.clock.now()) ?? 0);
    });
    const { enabled, failure_threshold, cooldown_ms } = settings.circuit_breaker;
    // An open circuit waits out its cooldown, or the Retry-After of the failure that opened it if longer
    // (SPEC §4: a Retry-After above the cap trips for max(cooldown_ms, Retry-After)).
    const halfOpenAfter = new DelegateBackoff<IHalfOpenAfterBackoffContext>(({ result }) =>
      Math.max(
        cooldown_ms,
        ("error" in result ? retryAfterMs(result.error, ctx.clock.now()) : undefined) ?? 0,
      ),
    );
    const breakers = (): IPolicy[] =>
      enabled
        ? [
            circuitBreaker(
              handleWhen((error) => decision(error).breaker === "trip"),
              { halfOpenAfter, breaker: new ConsecutiveBreaker(1) },
            ),
            circuitBreaker(
              handleWhen((error) => decision(error).breaker !== "none"),
              { halfOpenAfter, breaker: new ConsecutiveBreaker(failure_threshold) },
            ),
          ]
        : [];
    // One policy per model, shared by every request, so its breakers see all the traffic to that model.
    const policies = new Map<ModelId, IPolicy>();
    const policyFor = (model: ModelId): IPolicy => {
      let policy = policies.get(model);
      if (policy === undefined) {
        policy = wrap(
          retry(handleWhen(retryable), { maxAttempts: settings.max_retries, backoff }),
          ...breakers(),
          timeout(settings.ttft_timeout_ms, TimeoutStrategy.Aggressive),
        );
        policies.set(model, policy);
      }
      return policy;
    };

    return {
      async run(request) {
        const chain = chainFor(ctx, request);
        let attempts = 0;
        let streamed = false;
        // One provider call. After partial output the caller is told to drop it before the retry speaks.
        const call = async (model: ModelId, signal: AbortSignal): Promise<Served> => {
          attempts++;
          const input = {
            model: languageModelFor(model, ctx.endpoints, ctx.fetch),
            messages: messagesOf(request),
            maxRetries: 0,
            abortSignal: signal,
          };
          if (!request.stream) {
            const result = await generateText(input);
            return { model, text: result.text };
          }
          if (streamed) request.onDelta?.({ type: "reset", model, reason: "retry" });
          streamed = false;
          let failure: unknown;
          const result = streamText({ ...input, onError: ({ error }) => void (failure = error) });
          let text = "";
          for await (const delta of result.textStream) {
            text += delta;
            streamed = true;
            request.onDelta?.({ type: "text", text: delta, model });
          }
          if (failure !== undefined) throw asError(failure);
          return { model, text };
        };
        // Next model on anything but a `fail` class; the caller's abort is not a failure to fall back on.
        const handled = handleWhen(
          (error) => request.signal?.aborted !== true && decision(error).action !== "fail",
        );
        const from = (index: number): Promise<Served> => {
          const model = chain[index]!;
          const attempt = () => policyFor(model).execute(({ signal }) => call(model, signal), request.signal);
          if (index === chain.length - 1) return attempt();
          return fallback(handled, () => from(index + 1)).execute(attempt);
        };
        const served = await from(0);
        return { ...served, attempts };
      },
    };
  },
};

export default engine;
