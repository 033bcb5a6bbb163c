import { createFallback } from "ai-fallback";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { generateText, streamText } from "ai";
import type { EngineUnderTest, ModelId } from "fallback-harness";
import { asError, CallCounter, chainFor, languageModelFor, messagesOf } from "./ai-sdk-models.ts";
import { decide } from "./status-classes.ts";

// ai-fallback over the AI SDK, used as its README shows (one fallback model per chain for the whole app,
// retry after output, the AI SDK's own 2 retries with backoff) and configured as a user would for the
// scenario's policy: `modelResetInterval` is the config's `cooldown_ms` (its only way back to the primary),
// and `shouldRetryThisError` (which moves to the next model) is SPEC §3 by HTTP status from
// ./status-classes.ts with the config's `fallback.actions`: every class but `fail` moves on, since
// ai-fallback has no same-model retry. Each model checks its own finish (`finishChecked` in
// ./ai-sdk-models.ts), so a content filter or an answer with no finish reason is that model's failure and
// ai-fallback can move on from it. The reset interval and the SDK's backoff run on real timers, which the
// harness puts on the scenario's virtual clock.

type Fallback = ReturnType<typeof createFallback>;

const engine: EngineUnderTest = {
  name: "ai-fallback",
  cannotExpress: {
    breaker: "ai-fallback has no circuit breaker (only a timed reset to the primary)",
    retries:
      "the AI SDK's maxRetries re-runs the whole FallbackModel after every model failed; there is no same-model retry",
  },
  create(ctx) {
    const settings = ctx.config.fallback;
    const counter = new CallCounter();
    const fetch = counter.wrap(ctx.fetch);
    // One FallbackModel per distinct chain, shared by every request on it, as an app would hold it.
    const fallbacks = new Map<
      string,
      { fallback: Fallback; chain: readonly ModelId[]; models: LanguageModelV3[] }
    >();
    const fallbackFor = (chain: readonly ModelId[]) => {
      const key = chain.join(" ");
      let entry = fallbacks.get(key);
      if (entry === undefined) {
        const models = chain.map((model) => languageModelFor(model, ctx.endpoints, fetch));
        const fallback = createFallback({
          models,
          modelResetInterval: settings.circuit_breaker.cooldown_ms,
          shouldRetryThisError: (error) => decide(error, settings, ctx.clock.now()).action !== "fail",
        });
        entry = { fallback, chain, models };
        fallbacks.set(key, entry);
      }
      return entry;
    };
    // ai-fallback says which model it is on only as its current `modelId`/`provider`, shared by all requests.
    const currentModel = ({ fallback, chain, models }: ReturnType<typeof fallbackFor>): ModelId => {
      const index = models.findIndex(
        (model) => model.modelId === fallback.modelId && model.provider === fallback.provider,
      );
      return chain[index] ?? chain[0]!;
    };

    return {
      run: (request) =>
        counter.run(async (calls) => {
          const entry = fallbackFor(chainFor(ctx, request));
          const input = {
            model: entry.fallback,
            messages: messagesOf(request),
            ...(request.signal === undefined ? {} : { abortSignal: request.signal }),
          };
          if (!request.stream) {
            const result = await generateText(input);
            return { model: currentModel(entry), text: result.text, attempts: calls.calls };
          }
          let failure: unknown;
          const result = streamText({ ...input, onError: ({ error }) => void (failure = error) });
          let text = "";
          for await (const delta of result.textStream) {
            text += delta;
            request.onDelta?.({ type: "text", text: delta, model: currentModel(entry) });
          }
          // streamText ends its text stream quietly on an error part; the error is what the caller gets.
          if (failure !== undefined) throw asError(failure);
          return { model: currentModel(entry), text, attempts: calls.calls };
        }),
    };
  },
};

export default engine;
