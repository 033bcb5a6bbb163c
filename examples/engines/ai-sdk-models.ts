import { AsyncLocalStorage } from "node:async_hooks";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import type { ModelMessage } from "ai";
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
 * The AI SDK model for `provider/model`, on the fleet's endpoint for that provider. OpenAI is the Responses
 * API (what `openai(id)` calls), Anthropic its Messages API, Google Gemini; anything else (OpenRouter, Azure)
 * is OpenAI-compatible Chat Completions (Azure also wants its key as `api-key`).
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
      return createOpenAI({ baseURL, apiKey, fetch })(id);
    case "anthropic":
      return createAnthropic({ baseURL, apiKey, fetch })(id);
    case "google":
      return createGoogleGenerativeAI({ baseURL, apiKey, fetch })(id);
    default:
      return createOpenAICompatible({
        name: provider,
        baseURL,
        apiKey,
        fetch,
        headers: { "api-key": apiKey },
      }).chatModel(id);
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
        : `Failed to get an answer from ${model}: the stream ended without the provider's end marker (finishReason other, no raw finish reason), a truncated answer.`,
    );
  }
}

/**
 * Throws when a finished call is not a whole answer, as a careful app checks it: `content-filter` (the AI
 * SDK's name for a blocked prompt, a Gemini SAFETY stop, an OpenAI `content_filter` or an Anthropic
 * `refusal`, returned as a success) always; and on a stream, `other` with no raw finish reason, which is
 * what the AI SDK reports when a stream closes cleanly with no `[DONE]`/`message_stop`/`finish_reason`/
 * `response.completed` (reference/providers.md §5, verified on ai 6.0.326: no error, partial text). Every
 * provider sets a raw reason once its end marker arrives, so `other` with a raw reason (Gemini `OTHER`,
 * Anthropic `compaction`) is a real, if unusual, stop and passes.
 */
export function assertFinished(
  model: string,
  finish: { readonly finishReason: string; readonly rawFinishReason: string | undefined },
  stream: boolean,
): void {
  if (finish.finishReason === "content-filter") throw new FinishReasonError("content-filter", model);
  if (stream && finish.finishReason === "other" && finish.rawFinishReason === undefined)
    throw new FinishReasonError("other", model);
}
