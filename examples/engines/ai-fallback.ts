import { createFallback } from "ai-fallback";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { generateText, streamText } from "ai";
import type { EngineUnderTest, ModelId } from "fallback-harness";
import { asError, CallCounter, chainFor, languageModelFor, messagesOf } from "./ai-sdk-models.ts";

// ai-fallback over the AI SDK, used as its README shows: one fallback model per chain for the whole app,
// its defaults (3-minute reset to the primary, retry after output) and the AI SDK's own defaults (2 retries
// with backoff). Nothing is adapted to the harness: the reset interval and the SDK's backoff run on real
// timers, which the harness puts on the scenario's virtual clock.

type Fallback = ReturnType<typeof createFallback>;

const engine: EngineUnderTest = {
  name: "ai-fallback",
  cannotExpress: { breaker: "ai-fallback has no circuit breaker (only a timed reset to the primary)" },
  create(ctx) {
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
        entry = { fallback: createFallback({ models }), chain, models };
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
