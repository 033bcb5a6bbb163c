import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { LoadAPIKeyError, type LanguageModelV3 } from "@ai-sdk/provider";
import { splitModelId } from "../core/model-id.ts";
import type { ModelCallPart, ModelCallRequest, ModelCaller } from "../engine/ports.ts";
import { errorBodyFetch } from "./error-body.ts";
import { GenerateCall, sdkGenerateCall } from "./generate-call.ts";
import { providerPrompt } from "./provider-prompt.ts";
import { directStreamCall, sdkStreamCall } from "./stream-calls.ts";

/**
 * The wire protocol a provider speaks:
 * - `openai-responses`: OpenAI's Responses API (`POST {baseURL}/responses`), what `openai(id)` calls;
 * - `openai-chat`: OpenAI Chat Completions (`POST {baseURL}/chat/completions`);
 * - `anthropic`: Anthropic Messages (`POST {baseURL}/messages`);
 * - `google`: Gemini (`POST {baseURL}/models/{id}:generateContent`, `:streamGenerateContent?alt=sse`);
 * - `openai-compatible`: any Chat Completions clone (`POST {baseURL}/chat/completions`, Bearer key).
 */
export type ProviderApi = "openai-responses" | "openai-chat" | "anthropic" | "google" | "openai-compatible";

/**
 * Where one provider lives. `baseURL` follows the AI SDK's convention and includes the version prefix:
 * `https://api.openai.com/v1`, `https://api.anthropic.com/v1`,
 * `https://generativelanguage.googleapis.com/v1beta`, `https://openrouter.ai/api/v1`.
 *
 * When `api` is omitted it follows the provider name: `openai` → `openai-responses`, `anthropic` →
 * `anthropic`, `google` → `google`, anything else (`openrouter`, `groq`, a local server …) →
 * `openai-compatible`. `azure` is reached as an OpenAI-compatible Chat Completions endpoint at `baseURL`
 * — give the v1 API root, `https://{resource}.openai.azure.com/openai/v1` — with the model part of the
 * id as the deployment name; the key is sent both as `api-key` (Azure's header) and as a Bearer token.
 */
export interface ProviderEndpoint {
  readonly baseURL: string;
  readonly apiKey: string;
  readonly api?: ProviderApi;
}

/** Options of {@link createAiSdkCaller}. */
export interface AiSdkCallerOptions {
  /** Per provider name (the first segment of a model id), its endpoint. */
  readonly endpoints: Readonly<Record<string, ProviderEndpoint>>;
  /** The fetch every provider uses; the harness routes it to its fleet. Default: the global fetch. */
  readonly fetch?: typeof fetch;
  /** Extra headers sent on every request. */
  readonly headers?: Record<string, string>;
}

type ModelFactory = (modelId: string) => LanguageModelV3;

/** The default API of a provider name; see {@link ProviderEndpoint}. */
export function defaultProviderApi(provider: string): ProviderApi {
  switch (provider) {
    case "openai":
      return "openai-responses";
    case "anthropic":
      return "anthropic";
    case "google":
      return "google";
    default:
      return "openai-compatible";
  }
}

/**
 * The default model caller: the Vercel AI SDK, called the way OpenCode calls it (`streamText` /
 * `generateText` with `maxRetries: 0`), so the engine sees exactly the errors OpenCode sees — raw
 * `APICallError`s, never the SDK's own `RetryError`, and no hidden waits of its own.
 *
 * Streaming maps `fullStream` parts: `text-delta` → `text`, `error` → `error`, `finish` → `finish`; an
 * `abort` part (the SDK ends the stream quietly when the signal fires) becomes a thrown abort reason, so an
 * aborted attempt never looks like a clean end. Every wait also races the signal, so an abort ends the call
 * at once even when the transport leaves a stalled body open. Errors thrown while iterating (a connection
 * reset mid-body) propagate for the engine to classify. Non-streaming yields the whole text and one
 * `finish`.
 *
 * A provider with no endpoint yields one `error` part holding a `LoadAPIKeyError`: that is what the AI SDK
 * raises when OpenCode has no key for a provider (OpenCode maps it to `ProviderAuthError`), and it
 * classifies as `auth`, so the chain moves on. Reading `OPENAI_API_KEY` & co from the environment instead
 * would let a test or a scenario reach a real provider by accident.
 */
export function createAiSdkCaller(options: AiSdkCallerOptions): ModelCaller {
  // One provider instance per provider name and fetch, built on first use: a provider parses its settings
  // once, and a provider without an endpoint costs nothing until a chain reaches it. `guarded` providers
  // fetch through errorBodyFetch; a text prompt's non-streaming call uses the plain one and looks at the
  // answer the SDK parsed instead (generateCall), which spares it a second read of every body.
  const guarded = new Map<string, ModelFactory>();
  const plain = new Map<string, ModelFactory>();
  const factoryFor = (provider: string, errorBodies: boolean): ModelFactory | undefined => {
    const factories = errorBodies ? guarded : plain;
    const cached = factories.get(provider);
    if (cached !== undefined) return cached;
    const endpoint = options.endpoints[provider];
    if (endpoint === undefined) return undefined;
    const factory = createFactory(provider, endpoint, options, errorBodies);
    factories.set(provider, factory);
    return factory;
  };

  return {
    // Not itself a generator: it hands back the one that does the call, so each part crosses one async
    // generator rather than two or three (each `yield*` layer costs promises and microtask hops per part).
    call(request: ModelCallRequest): AsyncIterableIterator<ModelCallPart> {
      const { provider, model: modelId } = splitModelId(request.model);
      const prompt = providerPrompt(request.prompt);
      const direct = !request.stream && prompt !== undefined;
      const factory = factoryFor(provider, !direct);
      if (factory === undefined) return missingEndpointCall(provider);
      const model = factory(modelId);
      if (!request.stream)
        return prompt === undefined
          ? sdkGenerateCall(model, request)
          : new GenerateCall(model, prompt, request);
      return prompt === undefined ? sdkStreamCall(model, request) : directStreamCall(model, prompt, request);
    },
  };
}

function createFactory(
  provider: string,
  endpoint: ProviderEndpoint,
  options: AiSdkCallerOptions,
  errorBodies: boolean,
): ModelFactory {
  const build = createModelBuilder(provider, endpoint, options, errorBodies);
  // One model instance per model id: a model holds only its settings, and building one per attempt is
  // allocation on the failover path.
  const models = new Map<string, LanguageModelV3>();
  return (id) => {
    const cached = models.get(id);
    if (cached !== undefined) return cached;
    const built = build(id);
    models.set(id, built);
    return built;
  };
}

function createModelBuilder(
  provider: string,
  endpoint: ProviderEndpoint,
  options: AiSdkCallerOptions,
  errorBodies: boolean,
): ModelFactory {
  const api = endpoint.api ?? defaultProviderApi(provider);
  const fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const shared = {
    baseURL: endpoint.baseURL,
    apiKey: endpoint.apiKey,
    fetch: errorBodies ? errorBodyFetch(fetch) : fetch,
  };
  const headers = { ...(provider === "azure" ? { "api-key": endpoint.apiKey } : {}), ...options.headers };
  const withHeaders = Object.keys(headers).length === 0 ? shared : { ...shared, headers };
  switch (api) {
    case "openai-responses": {
      const openai = createOpenAI(withHeaders);
      return (id) => openai.responses(id);
    }
    case "openai-chat": {
      const openai = createOpenAI(withHeaders);
      return (id) => openai.chat(id);
    }
    case "anthropic": {
      const anthropic = createAnthropic(withHeaders);
      return (id) => anthropic(id);
    }
    case "google": {
      const google = createGoogleGenerativeAI(withHeaders);
      return (id) => google(id);
    }
    case "openai-compatible": {
      const compatible = createOpenAICompatible({ ...withHeaders, name: provider, includeUsage: true });
      return (id) => compatible.chatModel(id);
    }
    default: {
      const unreachable: never = api;
      throw new TypeError(
        `Failed to create a provider: unknown api "${String(unreachable)}". Use one of the ProviderApi values.`,
      );
    }
  }
}

function missingEndpoint(provider: string): LoadAPIKeyError {
  return new LoadAPIKeyError({
    message:
      `Failed to load the API key: provider "${provider}" has no endpoint (baseURL and apiKey). ` +
      `Add "${provider}" to the caller's endpoints, or remove its models from the chain.`,
  });
}

/** The call of a provider without an endpoint: one error part, as the SDK reports a missing key. */
// eslint-disable-next-line @typescript-eslint/require-await -- a generator by contract (the caller port), with nothing to wait for.
async function* missingEndpointCall(provider: string): AsyncGenerator<ModelCallPart> {
  yield { type: "error", error: missingEndpoint(provider) };
}
