import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { generateText, streamText } from "ai";
import type { Fleet } from "./fleet.ts";
import type { FleetProvider } from "./providers/types.ts";

/**
 * Shared pieces of the fleet's fidelity tests: the real clients pointed at a fleet, a uniform record of
 * what a client observed, and the fetch wrapper the Stainless SDKs need under msw 2.
 */

/** One real AI SDK client of one fleet provider. */
export interface AiSdkClient {
  /** `openai-responses`, `openai-chat`, `anthropic`, `google`, `openrouter`, `azure`. */
  readonly name: string;
  readonly provider: FleetProvider;
  /** The full model id the fleet logs and faults target. */
  readonly modelId: string;
  readonly model: LanguageModelV3;
}

/** The six AI SDK clients, one per wire format and provider, as OpenCode would build them. */
export function aiSdkClients(fleet: Fleet): readonly AiSdkClient[] {
  const { openai, anthropic, google, openrouter, azure } = fleet.endpoints;
  const fetch = fleet.fetch;
  const openaiProvider = createOpenAI({ baseURL: openai.baseURL, apiKey: openai.apiKey, fetch });
  return [
    {
      name: "openai-responses",
      provider: "openai",
      modelId: "openai/gpt-4o",
      model: openaiProvider.responses("gpt-4o"),
    },
    {
      name: "openai-chat",
      provider: "openai",
      modelId: "openai/gpt-4o",
      model: openaiProvider.chat("gpt-4o"),
    },
    {
      name: "anthropic",
      provider: "anthropic",
      modelId: "anthropic/claude-haiku-4-5",
      model: createAnthropic({ baseURL: anthropic.baseURL, apiKey: anthropic.apiKey, fetch })(
        "claude-haiku-4-5",
      ),
    },
    {
      name: "google",
      provider: "google",
      modelId: "google/gemini-2.5-flash",
      model: createGoogleGenerativeAI({ baseURL: google.baseURL, apiKey: google.apiKey, fetch })(
        "gemini-2.5-flash",
      ),
    },
    {
      name: "openrouter",
      provider: "openrouter",
      modelId: "openrouter/openai/gpt-4o",
      model: createOpenAICompatible({
        name: "openrouter",
        baseURL: openrouter.baseURL,
        apiKey: openrouter.apiKey,
        fetch,
        includeUsage: true,
      }).chatModel("openai/gpt-4o"),
    },
    {
      name: "azure",
      provider: "azure",
      modelId: "azure/gpt-4o",
      model: createOpenAICompatible({
        name: "azure",
        baseURL: azure.baseURL,
        apiKey: azure.apiKey,
        headers: { "api-key": azure.apiKey },
        fetch,
        includeUsage: true,
      }).chatModel("gpt-4o"),
    },
  ];
}

/** What one call observed, the same way for `generateText` and `streamText`. */
export interface Observation {
  /** The text the caller ended with (partial for a broken stream), or null when the call threw. */
  readonly text: string | null;
  readonly finishReason: string | null;
  readonly outputTokens: number | undefined;
  /** Response headers of a success (`generateText` only). */
  readonly headers: Readonly<Record<string, string>>;
  /** The first error: thrown by the call or iteration, or carried by a stream `error` part. */
  readonly error: unknown;
  /** How the error arrived. */
  readonly errorVia: "throw" | "part" | null;
}

/** Calls `model` once with `maxRetries: 0` and records what the caller saw. */
export async function observe(
  model: LanguageModelV3,
  stream: boolean,
  prompt = "Say something.",
): Promise<Observation> {
  if (!stream) {
    try {
      const result = await generateText({ model, prompt, maxRetries: 0 });
      return {
        text: result.text,
        finishReason: result.finishReason,
        outputTokens: result.usage.outputTokens,
        headers: result.response.headers ?? {},
        error: undefined,
        errorVia: null,
      };
    } catch (error) {
      return {
        text: null,
        finishReason: null,
        outputTokens: undefined,
        headers: {},
        error,
        errorVia: "throw",
      };
    }
  }
  const result = streamText({ model, prompt, maxRetries: 0, onError: () => undefined });
  let text = "";
  let finishReason: string | null = null;
  let outputTokens: number | undefined;
  let error: unknown;
  let errorVia: Observation["errorVia"] = null;
  try {
    for await (const part of result.fullStream) {
      if (part.type === "text-delta") text += part.text;
      else if (part.type === "finish") {
        finishReason = part.finishReason;
        outputTokens = part.totalUsage.outputTokens;
      } else if (part.type === "error" && errorVia === null) {
        error = part.error;
        errorVia = "part";
      }
    }
  } catch (thrown) {
    if (errorVia === null) {
      error = thrown;
      errorVia = "throw";
    }
  }
  return { text, finishReason, outputTokens, headers: {}, error, errorVia };
}

/**
 * The fetch wrapper of reference/providers.md §6 for openai-node and @anthropic-ai/sdk: an error response's
 * body is read in full and re-wrapped, because cancelling an unread msw-mocked body never settles
 * (mswjs/interceptors#799) and those SDKs cancel it before retrying.
 */
export function stainlessFetch(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (response.ok) return response;
    return new Response(await response.arrayBuffer(), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
