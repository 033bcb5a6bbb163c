import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { APICallError, type LanguageModelV3, type LanguageModelV3CallOptions } from "@ai-sdk/provider";
import { generateText, streamText } from "ai";
import {
  createAiSdkCaller,
  splitModelId,
  type ModelCaller,
  type ModelCallPart,
  type ModelId,
} from "../../src/index.ts";
import type { Fleet } from "../fleet/fleet.ts";

/**
 * The one model call every contender wraps, in the three shapes they consume: an AI SDK model, a function
 * that runs such a model to its full text, and the reference engine's `ModelCaller` port. Giving all of
 * them the same underlying call is what makes their numbers comparable.
 */
export interface ChainCalls {
  languageModel(model: ModelId): LanguageModelV3;
  /** Runs a model once to its full text; throws the provider's error (streams: on an `error` part too). */
  runModel(model: LanguageModelV3): Promise<string>;
  /**
   * The same call with the least work any engine can do: the provider model's own `doGenerate` /
   * `doStream`, no `generateText` / `streamText` around it and no prompt conversion, a stream read only
   * until its end or its first error. What the physical limit is made of (failover-bench.ts).
   */
  rawModel(model: LanguageModelV3): Promise<string>;
  readonly caller: ModelCaller;
}

/** The bench's chain: a primary that fails and a fallback that answers, on two providers. */
export const PRIMARY = "openai/gpt-4o" as ModelId;
/** The model that answers. */
export const FALLBACK = "anthropic/claude-sonnet-4-5" as ModelId;
/** The prompt of every request. */
export const PROMPT = "Answer with the canonical text.";

/**
 * Calls through the AI SDK to the fleet, the way OpenCode calls a provider (`maxRetries: 0`, so the SDK
 * adds no hidden waits). Streaming consumes `fullStream` and turns an `error` part into a throw, which is
 * what a user wrapping `streamText` in cockatiel or opossum has to write.
 */
export function fleetChainCalls(fleet: Fleet, stream: boolean): ChainCalls {
  const openai = createOpenAI({
    baseURL: fleet.endpoints.openai.baseURL,
    apiKey: fleet.endpoints.openai.apiKey,
    fetch: fleet.fetch,
  });
  const anthropic = createAnthropic({
    baseURL: fleet.endpoints.anthropic.baseURL,
    apiKey: fleet.endpoints.anthropic.apiKey,
    fetch: fleet.fetch,
  });
  const models = new Map<ModelId, LanguageModelV3>();
  return {
    languageModel(model) {
      const cached = models.get(model);
      if (cached !== undefined) return cached;
      const { provider, model: name } = splitModelId(model);
      const built = provider === "openai" ? openai.responses(name) : anthropic(name);
      models.set(model, built);
      return built;
    },
    async runModel(model) {
      if (!stream) return (await generateText({ model, prompt: PROMPT, maxRetries: 0 })).text;
      let text = "";
      // onError: the error also arrives as a part; the default handler would print it (as the engine's caller avoids too).
      for await (const part of streamText({ model, prompt: PROMPT, maxRetries: 0, onError: () => undefined })
        .fullStream) {
        if (part.type === "text-delta") text += part.text;
        else if (part.type === "error") throw part.error;
      }
      return text;
    },
    rawModel: (model) => (stream ? rawStream(model) : rawGenerate(model)),
    caller: createAiSdkCaller({
      endpoints: { openai: fleet.endpoints.openai, anthropic: fleet.endpoints.anthropic },
      fetch: fleet.fetch,
    }),
  };
}

/** The prompt in the provider layer's own shape, built once: converting it is SDK work, not the limit's. */
const RAW_PROMPT: LanguageModelV3CallOptions["prompt"] = [
  { role: "user", content: [{ type: "text", text: PROMPT }] },
];

/** One `doGenerate`, its text parts joined; throws what the provider throws. */
async function rawGenerate(model: LanguageModelV3): Promise<string> {
  const result = await model.doGenerate({ prompt: RAW_PROMPT });
  let text = "";
  for (const part of result.content) if (part.type === "text") text += part.text;
  return text;
}

/**
 * One `doStream` read to its end (the text) or to its first error part (thrown, the rest cancelled, as
 * every streaming contender does with a failed stream).
 */
async function rawStream(model: LanguageModelV3): Promise<string> {
  const { stream } = await model.doStream({ prompt: RAW_PROMPT });
  const reader = stream.getReader();
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      if (value.type === "text-delta") text += value.delta;
      else if (value.type === "error") throw value.error;
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}

/** The text every stub model answers with. */
export const STUB_TEXT = "stub answer";

/** A 500 as the AI SDK raises it: every contender's classifier recognises this one. */
export function serverError(model: ModelId): APICallError {
  return new APICallError({
    message: "Internal Server Error",
    url: `https://stub.invalid/${model}`,
    requestBodyValues: {},
    statusCode: 500,
    responseHeaders: {},
    responseBody:
      '{"error":{"message":"The server had an error while processing your request.","type":"server_error"}}',
    isRetryable: true,
  });
}

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 2, text: 2, reasoning: 0 },
} as const;

/**
 * Zero-cost calls for measuring decision overhead: `failing` models reject with a 500 at once, the others
 * answer `STUB_TEXT` at once. Nothing touches a network or a timer, so what a wrapper adds is all that
 * differs between a bare and a wrapped run.
 */
export function stubChainCalls(failing: ReadonlySet<ModelId>): ChainCalls {
  const models = new Map<ModelId, LanguageModelV3>();
  return {
    languageModel(model) {
      const cached = models.get(model);
      if (cached !== undefined) return cached;
      const { provider, model: name } = splitModelId(model);
      const fails = failing.has(model);
      const built: LanguageModelV3 = {
        specificationVersion: "v3",
        provider,
        modelId: name,
        supportedUrls: {},
        doGenerate: (_options: LanguageModelV3CallOptions) =>
          fails
            ? Promise.reject(serverError(model))
            : Promise.resolve({
                content: [{ type: "text", text: STUB_TEXT }],
                finishReason: { unified: "stop", raw: "stop" },
                usage,
                warnings: [],
              }),
        doStream: () =>
          Promise.reject(
            new Error("Failed to stream: the stub model answers doGenerate only. Use stream: false."),
          ),
      };
      models.set(model, built);
      return built;
    },
    async runModel(model) {
      const result = await model.doGenerate({
        prompt: [{ role: "user", content: [{ type: "text", text: PROMPT }] }],
      });
      return result.content.map((part) => (part.type === "text" ? part.text : "")).join("");
    },
    rawModel: rawGenerate,
    caller: {
      async *call(request): AsyncGenerator<ModelCallPart> {
        await Promise.resolve();
        if (failing.has(request.model)) throw serverError(request.model);
        yield { type: "text", text: STUB_TEXT };
        yield { type: "finish", finishReason: "stop" };
      },
    },
  };
}

/** Runs the engine's caller port once, as the engine would, and returns the text (the engine's bare call). */
export async function consumeCaller(caller: ModelCaller, model: ModelId, stream: boolean): Promise<string> {
  let text = "";
  for await (const part of caller.call({
    model,
    prompt: PROMPT,
    stream,
    signal: new AbortController().signal,
  })) {
    if (part.type === "text") text += part.text;
    else if (part.type === "error") throw part.error;
  }
  return text;
}
