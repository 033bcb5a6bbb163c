import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import {
  APICallError,
  LoadAPIKeyError,
  type LanguageModelV3,
  type LanguageModelV3Prompt,
  type LanguageModelV3StreamResult,
} from "@ai-sdk/provider";
import { generateText, NoOutputGeneratedError, streamText, type ModelMessage } from "ai";
import { createRequire } from "node:module";
import { abortReason } from "../core/clock.ts";
import { splitModelId } from "../core/model-id.ts";
import type { FinishReason, ModelCallPart, ModelCallRequest, ModelCaller, Prompt } from "../engine/ports.ts";

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

/**
 * What `streamText` with `maxRetries: 0` makes of a text prompt's `doStream`, without its prompt validation,
 * telemetry and step machinery: the same call options; a `doStream` that throws is an `error` part; the
 * provider's `error` parts pass through unchanged; its finish reason is reported when the stream ends (as
 * `streamText` does); a stream with output but no finish chunk finishes `other`, and one with neither is
 * the SDK's `NoOutputGeneratedError`. Errors thrown while reading propagate, as they do through `streamText`.
 */
async function* directStreamCall(
  model: LanguageModelV3,
  prompt: LanguageModelV3Prompt,
  request: ModelCallRequest,
): AsyncGenerator<ModelCallPart> {
  const { signal } = request;
  let opening: PromiseLike<LanguageModelV3StreamResult>;
  try {
    // No `ai/<version>` user-agent here: unlike `generateText`, `streamText` adds none.
    opening = model.doStream({ prompt, abortSignal: signal });
  } catch (error) {
    yield { type: "error", error };
    return;
  }
  const opened = await untilAborted(
    opening.then(
      (result) => ({ ok: true as const, stream: result.stream }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
    signal,
  );
  if (!opened.ok) {
    yield { type: "error", error: opened.error };
    return;
  }
  const reader = opened.stream.getReader();
  let finishReason: FinishReason = "other";
  let output = false;
  let terminal = false;
  try {
    for (;;) {
      const next = await untilAborted(reader.read(), signal);
      if (next.done) break;
      const part = next.value;
      if (part.type === "text-delta") {
        output = true;
        if (part.delta.length > 0) yield { type: "text", text: part.delta };
      } else if (part.type === "error") {
        terminal = true;
        finishReason = "error";
        yield { type: "error", error: part.error };
      } else if (part.type === "finish") {
        terminal = true;
        finishReason = part.finishReason.unified;
      } else if (OUTPUT_PART_TYPES.has(part.type)) output = true;
    }
  } finally {
    // Also runs when the engine stops reading early; not awaited, as in sdkStreamCall.
    reader.cancel().catch(() => undefined);
  }
  if (!terminal && !output) {
    yield {
      type: "error",
      error: new NoOutputGeneratedError({
        message: "No output generated. The model stream ended without a finish chunk.",
      }),
    };
    return;
  }
  yield { type: "finish", finishReason };
}

/** Provider stream parts `streamText` counts as output (its `isOutputChunkType`), text deltas aside. */
const OUTPUT_PART_TYPES: ReadonlySet<string> = new Set([
  "file",
  "source",
  "text-start",
  "text-end",
  "reasoning-start",
  "reasoning-end",
  "reasoning-delta",
  "tool-input-start",
  "tool-input-end",
  "tool-input-delta",
  "tool-approval-request",
  "tool-call",
  "tool-result",
  "tool-error",
]);

async function* sdkStreamCall(
  model: LanguageModelV3,
  request: ModelCallRequest,
): AsyncGenerator<ModelCallPart> {
  const { signal } = request;
  const result = streamText({
    model,
    ...promptInput(request.prompt),
    maxRetries: 0,
    abortSignal: signal,
    // The error also arrives as an `error` part; the default handler would print it to stderr as well.
    onError: () => undefined,
  });
  const reader = result.fullStream.getReader();
  try {
    // Only four part kinds matter; reasoning, tool calls, sources and step markers are not served text.
    for (;;) {
      const next = await untilAborted(reader.read(), signal);
      if (next.done) return;
      const part = next.value;
      if (part.type === "text-delta") yield { type: "text", text: part.text };
      else if (part.type === "error") yield { type: "error", error: part.error };
      else if (part.type === "finish")
        yield { type: "finish", finishReason: part.finishReason satisfies FinishReason };
      else if (part.type === "abort") throw abortReason(signal);
    }
  } finally {
    // Also runs when the engine stops reading early. Not awaited: cancelling a body that msw mocks never
    // settles (mswjs/interceptors#799), and nothing needs to wait for the cancel.
    reader.cancel().catch(() => undefined);
  }
}

/** A non-streaming call of a prompt the SDK would reject (no messages, a non-string content): its own error. */
async function* sdkGenerateCall(
  model: LanguageModelV3,
  request: ModelCallRequest,
): AsyncGenerator<ModelCallPart> {
  const { signal } = request;
  const result = await untilAborted(
    generateText({ model, ...promptInput(request.prompt), maxRetries: 0, abortSignal: signal }),
    signal,
  );
  yield { type: "text", text: result.text };
  yield { type: "finish", finishReason: result.finishReason satisfies FinishReason };
}

/**
 * What `generateText` with `maxRetries: 0` does for a text prompt, minus its prompt validation, telemetry
 * spans and step bookkeeping (most of its cost, which is most of a mocked call): the same call options, so
 * the provider sends the same request, and the provider's own error, which `generateText` rethrows
 * unchanged when it may not retry. A 200 whose JSON body is an error is that error, as errorBodyFetch makes
 * it on the other calls: read from the SDK's own reading of the body, the answer it parsed (Gemini's schema
 * takes an error body as an empty answer) or the body it could not parse (every other provider's).
 *
 * Yields the whole text and one `finish`, as an async generator would (the call starts at the first
 * `next()`; an error rejects that `next()` and ends the call; `return()` ends it), but as an object: every
 * request in flight holds its call, and an async generator held its frame, its register file, its queue of
 * pending requests and an extra promise and race per call on top (issue 15 item 5: 10,000 requests in
 * flight under 200 MB of heap).
 */
class GenerateCall implements AsyncIterableIterator<ModelCallPart> {
  readonly #model: LanguageModelV3;
  readonly #prompt: LanguageModelV3Prompt;
  readonly #request: ModelCallRequest;
  #state: "new" | "running" | "finish" | "done" = "new";
  #finishReason: FinishReason = "other";

  constructor(model: LanguageModelV3, prompt: LanguageModelV3Prompt, request: ModelCallRequest) {
    this.#model = model;
    this.#prompt = prompt;
    this.#request = request;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ModelCallPart>> {
    switch (this.#state) {
      case "new":
        this.#state = "running";
        return this.#generate();
      case "finish":
        this.#state = "done";
        return Promise.resolve({ value: { type: "finish", finishReason: this.#finishReason }, done: false });
      case "running":
      case "done":
        return Promise.resolve(CALL_DONE);
      default: {
        const unreachable: never = this.#state;
        return unreachable;
      }
    }
  }

  return(): Promise<IteratorResult<ModelCallPart>> {
    this.#state = "done";
    return Promise.resolve(CALL_DONE);
  }

  /**
   * The provider's call, raced with the signal as `untilAborted` races it (an abort wins, and the call's own
   * later rejection is still observed), with one promise and one listener.
   */
  #generate(): Promise<IteratorResult<ModelCallPart>> {
    const { signal } = this.#request;
    let call: PromiseLike<Awaited<ReturnType<LanguageModelV3["doGenerate"]>>>;
    try {
      call = this.#model.doGenerate({
        prompt: this.#prompt,
        abortSignal: signal,
        headers: { "user-agent": AI_USER_AGENT },
      });
    } catch (error) {
      this.#state = "done";
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the provider's own error, passed on unchanged.
      return Promise.reject(errorBodyIn200Of(error) ?? error);
    }
    if (signal.aborted) {
      this.#state = "done";
      call.then(undefined, ignore);
      return Promise.reject(abortReason(signal));
    }
    return new Promise((resolve, reject) => {
      const onAbort = abortRejecter(signal, reject);
      signal.addEventListener("abort", onAbort, { once: true });
      call.then(
        (result) => {
          signal.removeEventListener("abort", onAbort);
          // Aborted before the answer: the listener, there from the start, has already rejected.
          if (signal.aborted) {
            this.#state = "done";
            return;
          }
          try {
            resolve({ value: { type: "text", text: this.#textOf(result) }, done: false });
          } catch (error) {
            this.#state = "done";
            // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- thrown by #textOf: an ErrorBodyIn200, or the SDK result's own fault.
            reject(error);
          }
        },
        (error: unknown) => {
          signal.removeEventListener("abort", onAbort);
          this.#state = "done";
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the provider's own rejection, passed on unchanged.
          reject(errorBodyIn200Of(error) ?? error);
        },
      );
    });
  }

  /** The answer's text; throws the error a 200 JSON error body is. Sets the finish reason to report next. */
  #textOf(result: Awaited<ReturnType<LanguageModelV3["doGenerate"]>>): string {
    const { response } = result;
    if (isJson(response?.headers) && isErrorBody(response?.body)) throw new ErrorBodyIn200(response?.body);
    let text = "";
    for (const part of result.content) if (part.type === "text") text += part.text;
    this.#finishReason = result.finishReason.unified satisfies FinishReason;
    if (this.#state === "running") this.#state = "finish";
    return text;
  }
}

/** The result of a finished call's `next()`, shared: it is never written to. */
const CALL_DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/** The error body behind an SDK error on a 200 JSON answer it could not read as one, if it is one. */
function errorBodyIn200Of(error: unknown): ErrorBodyIn200 | undefined {
  if (!APICallError.isInstance(error) || error.statusCode !== 200 || !isJson(error.responseHeaders))
    return undefined;
  const body = error.responseBody === undefined ? undefined : safeJson(error.responseBody);
  return isErrorBody(body) ? new ErrorBodyIn200(body) : undefined;
}

/** Headers as the SDK reports them (lower-case names) say JSON, the only bodies errorBodyFetch looks into. */
function isJson(headers: Readonly<Record<string, string | undefined>> | undefined): boolean {
  return headers?.["content-type"]?.includes("application/json") ?? false;
}

/** The `user-agent` suffix `generateText` adds to every call, read from the installed `ai` package. */
const AI_USER_AGENT = `ai/${readAiVersion()}`;

function readAiVersion(): string {
  const manifest: unknown = createRequire(import.meta.url)("ai/package.json");
  if (typeof manifest === "object" && manifest !== null && "version" in manifest) {
    const { version } = manifest;
    if (typeof version === "string") return version;
  }
  throw new Error('Failed to read the version of the "ai" package: its package.json has none. Reinstall it.');
}

/**
 * The prompt as `generateText` hands it to the provider (`standardizePrompt` then
 * `convertToLanguageModelPrompt`, text only), or undefined for a prompt it would reject.
 */
function providerPrompt(prompt: Prompt): LanguageModelV3Prompt | undefined {
  if (typeof prompt === "string") return [{ role: "user", content: [{ type: "text", text: prompt }] }];
  if (prompt.length === 0) return undefined;
  const out: LanguageModelV3Prompt = [];
  for (const message of prompt) {
    const { role, content } = message;
    if (typeof content !== "string") return undefined;
    if (role === "system") out.push({ role, content });
    else if (role === "user" || role === "assistant")
      out.push({ role, content: [{ type: "text", text: content }] });
    else return undefined;
  }
  return out;
}

/** A 200 response whose JSON body is a provider error (`{ "error": { … } }`). */
export class ErrorBodyIn200 extends Error {
  override readonly name = "ErrorBodyIn200";
  readonly status = 200;
  constructor(readonly body: unknown) {
    super("Failed to read the answer: the provider answered 200 with an error body.");
  }
}

/**
 * A 200 whose JSON body is a provider error (`{ "error": { … } }`) is that error. SDKs read it as an empty
 * answer with no finish reason (Gemini's `generateContent`) or, on a streaming call, as an SSE stream that
 * ended before its end marker, which would pass for a cut stream and be retried. The body decides, as its
 * HTTP twin would (docs/decisions.md, "A provider's error body in a 200").
 */
function errorBodyFetch(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    const json = response.headers.get("content-type")?.includes("application/json") ?? false;
    if (response.status !== 200 || !json) return response;
    // Every non-streaming success passes here, so the body is read once and handed on as a fresh response,
    // not cloned: a clone tees the body into two streams and pumps every chunk through both.
    let bytes: ArrayBuffer;
    try {
      bytes = await response.arrayBuffer();
    } catch (error) {
      // A body cut mid-way must fail the SDK's own read with the same error, where it is classified as a
      // cut stream, not as a failed connection.
      return relay(response, erroredBody(error));
    }
    const text = UTF8.decode(bytes);
    // Parse a second time only a body that can hold an error.
    if (text.includes('"error"')) {
      const body = safeJson(text);
      if (isErrorBody(body)) throw new ErrorBodyIn200(body);
    }
    return relay(response, bytes);
  };
}

/** Decodes as `Response.text()` does (UTF-8, a leading BOM dropped, bad bytes replaced). */
const UTF8 = new TextDecoder();

/** `response` with its body replaced: same status, status text, headers and URL. */
function relay(response: Response, body: BodyInit): Response {
  const copy = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // `url` is a getter on Response (empty for a constructed one); keep what the transport reported.
  if (response.url !== "") Object.defineProperty(copy, "url", { value: response.url, enumerable: true });
  return copy;
}

/** A body whose first read fails with `error`, as the original body's read did. */
function erroredBody(error: unknown): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.error(error);
    },
  });
}

function isErrorBody(body: unknown): boolean {
  const value: unknown = typeof body === "string" ? safeJson(body) : body;
  // A success body may carry `"error": null` (OpenAI's Responses API does).
  return (
    typeof value === "object" &&
    value !== null &&
    "error" in value &&
    typeof value.error === "object" &&
    value.error !== null
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Settles like `promise`, or rejects with the signal's reason as soon as it aborts. The SDK stops reading a
 * body when the signal fires only if the transport errors that body; an in-process mock (msw) leaves it
 * open, and so might a proxy that stalls, so an aborted attempt would otherwise hang on its next read.
 * An abort wins over data that is ready but not yet delivered. One promise and one listener per wait, no
 * `Promise.race` and no async frame: a stream waits here once per part.
 */
function untilAborted<T>(promise: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // Still observed, so a later rejection of `promise` is not reported as unhandled.
    promise.then(undefined, ignore);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = abortRejecter(signal, reject);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the provider's own rejection, passed on unchanged.
        reject(error);
      },
    );
  });
}

/**
 * The abort listener of one wait. Returned by a factory, so it is neither a named closure (a `__name` call
 * and a 256-byte property array each under tsx) nor an `EventListener` object, for which Node's
 * EventTarget makes an async wrapper closure per listener.
 */
function abortRejecter(signal: AbortSignal, reject: (reason: unknown) => void): () => void {
  return () => reject(abortReason(signal));
}

const ignore = (): void => undefined;

function promptInput(
  prompt: Prompt,
): { prompt: string } | { messages: ModelMessage[]; allowSystemInMessages: true } {
  if (typeof prompt === "string") return { prompt };
  return {
    // OpenCode sends its system prompts as messages too; the SDK would warn on every call otherwise.
    allowSystemInMessages: true,
    messages: prompt.map((message): ModelMessage => {
      switch (message.role) {
        case "system":
          return { role: "system", content: message.content };
        case "user":
          return { role: "user", content: message.content };
        case "assistant":
          return { role: "assistant", content: message.content };
        default: {
          const unreachable: never = message.role;
          throw new TypeError(
            `Failed to build the prompt: unknown role "${String(unreachable)}". Use system, user or assistant.`,
          );
        }
      }
    }),
  };
}
