import { generateText, streamText } from "ai";
import {
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  fallback,
  handleWhen,
  isBrokenCircuitError,
  retry,
  timeout,
  TimeoutStrategy,
  wrap,
  type IPolicy,
} from "cockatiel";
import type { EngineUnderTest, ModelId } from "fallback-harness";
import { asError, assertFinished, chainFor, languageModelFor, messagesOf } from "./ai-sdk-models.ts";
import { actionFor } from "./status-classes.ts";

// cockatiel composed as its README shows — per model wrap(retry with exponential backoff, circuit breaker,
// timeout), and a fallback policy to the next model — configured as a user would for the scenario's policy:
// numbers from its config (max_retries, failure_threshold, cooldown_ms, backoff.network, ttft_timeout_ms)
// and predicates from SPEC §3 by HTTP status (./status-classes.ts, with the config's `fallback.actions`):
// retry only the retry classes, fall back on the rest but `fail`, count every failure but `fail` on the
// breaker. The AI SDK's own retries are off (`maxRetries: 0`): cockatiel is the retry layer. A
// `content-filter` finish (or a stream with no end marker) is thrown inside the policy, so its predicates
// see it. Its backoff, breaker half-open and timeout run on real timers, which the harness puts on the
// scenario's virtual clock.

interface Served {
  readonly model: ModelId;
  readonly text: string;
}

const engine: EngineUnderTest = {
  name: "cockatiel",
  create(ctx) {
    const settings = ctx.config.fallback;
    const action = (error: Error) => actionFor(error, settings.actions);
    // An open circuit is not retried: the fallback policy moves on to the next model at once.
    const retryable = (error: Error) => !isBrokenCircuitError(error) && action(error) === "retry";
    // One policy per model, shared by every request, so its breaker sees all the traffic to that model.
    const policies = new Map<ModelId, IPolicy>();
    const policyFor = (model: ModelId): IPolicy => {
      let policy = policies.get(model);
      if (policy === undefined) {
        const { base_ms, max_ms } = settings.backoff.network;
        policy = wrap(
          retry(handleWhen(retryable), {
            maxAttempts: settings.max_retries,
            backoff: new ExponentialBackoff({ initialDelay: base_ms, maxDelay: max_ms }),
          }),
          circuitBreaker(
            handleWhen((error) => action(error) !== "fail"),
            {
              halfOpenAfter: settings.circuit_breaker.cooldown_ms,
              breaker: new ConsecutiveBreaker(settings.circuit_breaker.failure_threshold),
            },
          ),
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
            assertFinished(model, result, false);
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
          const finish = {
            finishReason: await result.finishReason,
            rawFinishReason: await result.rawFinishReason,
          };
          assertFinished(model, finish, true);
          return { model, text };
        };
        // Next model on anything but a `fail` class; the caller's abort is not a failure to fall back on.
        const handled = handleWhen((error) => request.signal?.aborted !== true && action(error) !== "fail");
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
