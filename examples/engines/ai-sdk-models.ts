import { AsyncLocalStorage } from "node:async_hooks";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type {
  LanguageModelV3,
  LanguageModelV3FinishReason,
  LanguageModelV3StreamPart,
} from "@ai-sdk/provider";
import { wrapLanguageModel, type ModelMessage } from "ai";
import {
  resolveChain,
  type EngineUnderTestContext,
  type EngineUnderTestRequest,
  type ModelId,
} from "fallback-harness";

// What the AI SDK examples share, written as a user of the package would: the chain from `ctx.config`, one
// AI SDK model per `provider/model` on `ctx.endpoints` with `ctx.fetch`, and a count of provider calls per
// request (the libraries do not report how many calls a request took).

/** The request's chain (SPEC §5) from the scenario's opencode.json, by the package's own `resolveChain`. */
export function chainFor(ctx: EngineUnderTestContext, request: EngineUnderTestRequest): readonly ModelId[] {
  const resolved = resolveChain(
    ctx.config,
    request.model === undefined
      ? { agent: request.agent }
      : { agent: request.agent, model: request.model as ModelId },
  );
  if ("error" in resolved) throw new Error(`Failed to resolve the chain: ${resolved.error}`);
  return resolved.chain;
}

/** The request's prompt as AI SDK messages. */
export function messagesOf(request: EngineUnderTestRequest): ModelMessage[] {
  return typeof request.prompt === "string"
    ? [{ role: "user", content: request.prompt }]
    : request.prompt.map((message) => ({ role: message.role, content: message.content }));
}

/**
 * Counts the provider calls made inside `calls.run(counter, …)`. AsyncLocalStorage follows the request
 * through the library's promises and streams, so concurrent requests keep separate counts.
 */
export class CallCounter {
  private readonly storage = new AsyncLocalStorage<{ calls: number }>();

  /** `fetch`, counting each call against the request it belongs to. */
  wrap(inner: typeof fetch): typeof fetch {
    return (input, init) => {
      const counter = this.storage.getStore();
      if (counter !== undefined) counter.calls++;
      return inner(input, init);
    };
  }

  /** Runs `work` for one request; `counter.calls` is its number of provider calls so far. */
  run<T>(work: (counter: { readonly calls: number }) => Promise<T>): Promise<T> {
    const counter = { calls: 0 };
    return this.storage.run(counter, () => work(counter));
  }
}

/**
 * The AI SDK model for `provider/model`, on the fleet's endpoint for that provider, with its finish checked
 * (`finishChecked`). OpenAI is the Responses API (what `openai(id)` calls), Anthropic its Messages API,
 * Google Gemini; anything else (OpenRouter, Azure) is OpenAI-compatible Chat Completions (Azure also wants
 * its key as `api-key`).
 */
export function languageModelFor(
  model: ModelId,
  endpoints: EngineUnderTestContext["endpoints"],
  fetch: typeof globalThis.fetch,
): LanguageModelV3 {
  const slash = model.indexOf("/");
  const provider = model.slice(0, slash);
  const id = model.slice(slash + 1);
  const endpoint = endpoints[provider];
  if (endpoint === undefined) throw new Error(`No endpoint for provider "${provider}" (model ${model})`);
  const { baseURL, apiKey } = endpoint;
  switch (provider) {
    case "openai":
      return finishChecked(createOpenAI({ baseURL, apiKey, fetch })(id), model);
    case "anthropic":
      return finishChecked(createAnthropic({ baseURL, apiKey, fetch })(id), model);
    case "google":
      return finishChecked(createGoogleGenerativeAI({ baseURL, apiKey, fetch })(id), model);
    default:
      return finishChecked(
        createOpenAICompatible({
          name: provider,
          baseURL,
          apiKey,
          fetch,
          headers: { "api-key": apiKey },
        }).chatModel(id),
        model,
      );
  }
}

/** A stream's error part as something `throw` can carry (the AI SDK types it `unknown`). */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(`The stream failed: ${JSON.stringify(error)}`);
}

/** A call the AI SDK returned as a success whose finish reason says it is not a whole answer. */
export class FinishReasonError extends Error {
  override readonly name = "FinishReasonError";
  constructor(
    readonly finishReason: "content-filter" | "other",
    model: string,
  ) {
    super(
      finishReason === "content-filter"
        ? `Failed to get an answer from ${model}: the provider stopped it with a content filter (finishReason content-filter).`
        : `Failed to get an answer from ${model}: the answer ended without the provider's finish reason or end marker (finishReason other, no raw finish reason), a truncated or empty answer.`,
    );
  }
}

/**
 * Why a finished call is not a whole answer, as a careful app checks it, or undefined: `content-filter` (the
 * AI SDK's name for a blocked prompt, a Gemini SAFETY stop, an OpenAI `content_filter` or an Anthropic
 * `refusal`, returned as a success); and `other` with no raw finish reason, which is what the AI SDK
 * reports when a stream closes cleanly with no `[DONE]`/`message_stop`/`finish_reason`/`response.completed`
 * (reference/providers.md §5, verified on ai 6.0.326: no error, partial text) or a Gemini answer has no
 * candidate at all (a 200 carrying an error). Every provider sets a raw reason once its end marker
 * arrives, so `other` with a raw reason (Gemini `OTHER`, Anthropic `compaction`) is a real, if unusual,
 * stop and passes.
 */
export function unfinished(
  model: string,
  finish: LanguageModelV3FinishReason,
): FinishReasonError | undefined {
  if (finish.unified === "content-filter") return new FinishReasonError("content-filter", model);
  if (finish.unified === "other" && finish.raw === undefined) return new FinishReasonError("other", model);
  return undefined;
}

/**
 * The model with its finish checked inside it (an AI SDK middleware), so that a library wrapping it sees
 * an unfinished answer as the model's failure and can retry or fall back on it: `doGenerate` throws, and
 * `doStream` errors the stream at its `finish` part (an error, not an error part, so a wrapper that
 * ignores error parts after the first output still sees it).
 */
export function finishChecked(inner: LanguageModelV3, model: string): LanguageModelV3 {
  return wrapLanguageModel({
    model: inner,
    middleware: {
      specificationVersion: "v3",
      async wrapGenerate({ doGenerate }) {
        const result = await doGenerate();
        const problem = unfinished(model, result.finishReason);
        if (problem !== undefined) throw problem;
        return result;
      },
      async wrapStream({ doStream }) {
        const result = await doStream();
        const stream = result.stream.pipeThrough(
          new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
            transform(part, controller) {
              const problem = part.type === "finish" ? unfinished(model, part.finishReason) : undefined;
              if (problem === undefined) controller.enqueue(part);
              else controller.error(problem);
            },
          }),
        );
        return { ...result, stream };
      },
    },
  });
}
