import { generateText, streamText } from "ai";
import {
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  fallback,
  handleWhen,
  retry,
  timeout,
  TimeoutStrategy,
  wrap,
  type IPolicy,
} from "cockatiel";
import type { EngineUnderTest, ModelId } from "fallback-harness";
import { asError, chainFor, languageModelFor, messagesOf } from "./ai-sdk-models.ts";

// cockatiel composed as its README shows — per model wrap(retry with exponential backoff, circuit breaker,
// timeout), and a fallback policy to the next model — with its numbers taken from the scenario's config
// (max_retries, failure_threshold, cooldown_ms, backoff.network, ttft_timeout_ms). The AI SDK's own retries
// are off (`maxRetries: 0`): cockatiel is the retry layer. Its backoff, breaker half-open and timeout run
// on real timers, which the harness puts on the scenario's virtual clock.

interface Served {
  readonly model: ModelId;
  readonly text: string;
}

const engine: EngineUnderTest = {
  name: "cockatiel",
  create(ctx) {
    const settings = ctx.config.fallback;
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
          circuitBreaker(handleWhen(retryable), {
            halfOpenAfter: settings.circuit_breaker.cooldown_ms,
            breaker: new ConsecutiveBreaker(settings.circuit_breaker.failure_threshold),
          }),
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
          if (!request.stream) return { model, text: (await generateText(input)).text };
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
        // The caller's abort is not a failure to retry or fall back on.
        const handled = handleWhen(() => request.signal?.aborted !== true);
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

/** Every error but the caller's own abort is worth another try (cockatiel has no error classes). */
function retryable(error: Error): boolean {
  return error.name !== "AbortError";
}

export default engine;
