import { APICallError, LoadAPIKeyError } from "@ai-sdk/provider";
import { delay, http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { ModelId } from "../core/model-id.ts";
import type { ModelCallPart, ModelCaller, Prompt } from "../engine/ports.ts";
import { createAiSdkCaller, defaultProviderApi, type ProviderEndpoint } from "./ai-sdk-caller.ts";
import {
  ANTHROPIC_JSON,
  ANTHROPIC_START,
  ANTHROPIC_STREAM,
  CHAT_JSON,
  CHAT_STREAM,
  encoder,
  GEMINI_JSON,
  GEMINI_STREAM,
  named,
  RESPONSES_JSON,
  RESPONSES_STREAM,
  sse,
} from "./ai-sdk-caller.fixtures.ts";

// Fake hosts: msw answers in-process and fails the test on anything it does not expect.
const ENDPOINTS: Record<string, ProviderEndpoint> = {
  openai: { baseURL: "http://openai.test/v1", apiKey: "sk-test-openai" },
  oaichat: { baseURL: "http://oaichat.test/v1", apiKey: "sk-test-chat", api: "openai-chat" },
  anthropic: { baseURL: "http://anthropic.test/v1", apiKey: "sk-ant-test" },
  google: { baseURL: "http://google.test/v1beta", apiKey: "goog-test" },
  openrouter: { baseURL: "http://openrouter.test/api/v1", apiKey: "sk-or-test" },
  azure: { baseURL: "http://azure.test/openai/v1", apiKey: "azure-test" },
};

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  vi.restoreAllMocks();
});
afterAll(() => server.close());

// ---- call helpers ----

const caller = (options: { fetch?: typeof fetch; headers?: Record<string, string> } = {}): ModelCaller =>
  createAiSdkCaller({ endpoints: ENDPOINTS, ...options });

interface Outcome {
  readonly parts: ModelCallPart[];
  readonly thrown?: unknown;
}

async function collect(
  model: string,
  stream: boolean,
  options: {
    prompt?: Prompt;
    signal?: AbortSignal;
    on?: (part: ModelCallPart) => void;
    with?: ModelCaller;
  } = {},
): Promise<Outcome> {
  const parts: ModelCallPart[] = [];
  try {
    const request = {
      model: model as ModelId,
      prompt: options.prompt ?? "Say hello",
      stream,
      signal: options.signal ?? new AbortController().signal,
    };
    for await (const part of (options.with ?? caller()).call(request)) {
      parts.push(part);
      options.on?.(part);
    }
    return { parts };
  } catch (thrown) {
    return { parts, thrown };
  }
}

const text = (parts: readonly ModelCallPart[]): string =>
  parts.map((p) => (p.type === "text" ? p.text : "")).join("");
const kinds = (parts: readonly ModelCallPart[]): string[] =>
  parts.map((p) => (p.type === "finish" ? `finish:${p.finishReason}` : p.type));

/** Records every request a handler answers, so tests can check URL, headers, body and count. */
function recorder() {
  const seen: { url: string; headers: Headers; body: Record<string, unknown> }[] = [];
  return {
    seen,
    async record(request: Request): Promise<void> {
      seen.push({
        url: request.url,
        headers: request.headers,
        body: (await request.clone().json()) as Record<string, unknown>,
      });
    },
  };
}

// ---- tests ----

describe("defaultProviderApi", () => {
  it("picks each provider's own protocol and OpenAI-compatible chat for every other name", () => {
    expect(["openai", "anthropic", "google", "openrouter", "azure", "groq"].map(defaultProviderApi)).toEqual([
      "openai-responses",
      "anthropic",
      "google",
      "openai-compatible",
      "openai-compatible",
      "openai-compatible",
    ]);
  });
});

describe("createAiSdkCaller: successful calls on every API", () => {
  it("calls OpenAI's Responses API by default, with the key as a Bearer token", async () => {
    const log = recorder();
    server.use(
      http.post("http://openai.test/v1/responses", async ({ request }) => {
        await log.record(request);
        return HttpResponse.json(RESPONSES_JSON);
      }),
    );
    const { parts, thrown } = await collect("openai/gpt-4o", false);
    expect(thrown).toBeUndefined();
    expect(parts).toEqual([
      { type: "text", text: "Hello" },
      { type: "finish", finishReason: "stop" },
    ]);
    expect(log.seen).toHaveLength(1);
    expect(log.seen[0]?.headers.get("authorization")).toBe("Bearer sk-test-openai");
    expect(log.seen[0]?.body.model).toBe("gpt-4o");
  });

  it("streams OpenAI Responses events as text deltas and one finish", async () => {
    server.use(http.post("http://openai.test/v1/responses", () => sse(RESPONSES_STREAM)));
    const { parts, thrown } = await collect("openai/gpt-4o", true);
    expect(thrown).toBeUndefined();
    expect(parts).toEqual([
      { type: "text", text: "Hel" },
      { type: "text", text: "lo" },
      { type: "finish", finishReason: "stop" },
    ]);
  });

  it("calls Chat Completions when the endpoint says openai-chat, streamed to [DONE]", async () => {
    server.use(
      http.post("http://oaichat.test/v1/chat/completions", async ({ request }) => {
        const body = (await request.json()) as { stream?: boolean };
        return body.stream ? sse(CHAT_STREAM) : HttpResponse.json(CHAT_JSON);
      }),
    );
    expect((await collect("oaichat/gpt-4o", false)).parts).toEqual([
      { type: "text", text: "Hello" },
      { type: "finish", finishReason: "stop" },
    ]);
    const streamed = await collect("oaichat/gpt-4o", true);
    expect(streamed.thrown).toBeUndefined();
    expect(kinds(streamed.parts)).toEqual(["text", "text", "finish:stop"]);
    expect(text(streamed.parts)).toBe("Hello");
  });

  it("calls Anthropic Messages with x-api-key, and streams its named events", async () => {
    const log = recorder();
    server.use(
      http.post("http://anthropic.test/v1/messages", async ({ request }) => {
        await log.record(request);
        return log.seen.at(-1)?.body.stream === true
          ? sse(ANTHROPIC_STREAM)
          : HttpResponse.json(ANTHROPIC_JSON);
      }),
    );
    expect((await collect("anthropic/claude-sonnet-4-6", false)).parts).toEqual([
      { type: "text", text: "Hello" },
      { type: "finish", finishReason: "stop" },
    ]);
    const streamed = await collect("anthropic/claude-sonnet-4-6", true);
    expect(streamed.thrown).toBeUndefined();
    expect(kinds(streamed.parts)).toEqual(["text", "text", "finish:stop"]);
    expect(text(streamed.parts)).toBe("Hello");
    expect(log.seen.map((s) => s.headers.get("x-api-key"))).toEqual(["sk-ant-test", "sk-ant-test"]);
  });

  it("calls Gemini generateContent, and streams its CRLF-separated data frames", async () => {
    const urls: string[] = [];
    server.use(
      http.post("http://google.test/v1beta/models/*", ({ request }) => {
        urls.push(request.url);
        expect(request.headers.get("x-goog-api-key")).toBe("goog-test");
        return request.url.includes(":streamGenerateContent")
          ? sse(GEMINI_STREAM)
          : HttpResponse.json(GEMINI_JSON);
      }),
    );
    expect((await collect("google/gemini-2.5-flash", false)).parts).toEqual([
      { type: "text", text: "Hello" },
      { type: "finish", finishReason: "stop" },
    ]);
    const streamed = await collect("google/gemini-2.5-flash", true);
    expect(streamed.thrown).toBeUndefined();
    expect(kinds(streamed.parts)).toEqual(["text", "text", "finish:stop"]);
    expect(text(streamed.parts)).toBe("Hello");
    expect(urls).toEqual([
      "http://google.test/v1beta/models/gemini-2.5-flash:generateContent",
      "http://google.test/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    ]);
  });

  it("calls OpenRouter as OpenAI-compatible chat, keeping the slash in the model part", async () => {
    const log = recorder();
    server.use(
      http.post("http://openrouter.test/api/v1/chat/completions", async ({ request }) => {
        await log.record(request);
        return log.seen.at(-1)?.body.stream === true
          ? sse([": OPENROUTER PROCESSING\n\n", ...CHAT_STREAM])
          : HttpResponse.json(CHAT_JSON);
      }),
    );
    expect((await collect("openrouter/anthropic/claude-sonnet-4.5", false)).parts).toEqual([
      { type: "text", text: "Hello" },
      { type: "finish", finishReason: "stop" },
    ]);
    expect(kinds((await collect("openrouter/anthropic/claude-sonnet-4.5", true)).parts)).toEqual([
      "text",
      "text",
      "finish:stop",
    ]);
    expect(log.seen.map((s) => s.body.model)).toEqual([
      "anthropic/claude-sonnet-4.5",
      "anthropic/claude-sonnet-4.5",
    ]);
    expect(log.seen[0]?.headers.get("authorization")).toBe("Bearer sk-or-test");
  });

  it("reaches Azure as OpenAI-compatible chat at its v1 root, with the key in api-key", async () => {
    const log = recorder();
    server.use(
      http.post("http://azure.test/openai/v1/chat/completions", async ({ request }) => {
        await log.record(request);
        return HttpResponse.json(CHAT_JSON);
      }),
    );
    expect(text((await collect("azure/my-gpt4o-deployment", false)).parts)).toBe("Hello");
    expect(log.seen[0]?.headers.get("api-key")).toBe("azure-test");
    expect(log.seen[0]?.body.model).toBe("my-gpt4o-deployment");
  });

  it("sends a message prompt as messages and a string prompt as one user message", async () => {
    const log = recorder();
    server.use(
      http.post("http://oaichat.test/v1/chat/completions", async ({ request }) => {
        await log.record(request);
        return HttpResponse.json(CHAT_JSON);
      }),
    );
    const prompt: Prompt = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello" },
      { role: "user", content: "Again" },
    ];
    const warned = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    await collect("oaichat/gpt-4o", false, { prompt });
    await collect("oaichat/gpt-4o", false, { prompt: "Just this" });
    expect(log.seen[0]?.body.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello" },
      { role: "user", content: "Again" },
    ]);
    expect(log.seen[1]?.body.messages).toEqual([{ role: "user", content: "Just this" }]);
    // System messages are OpenCode's own prompt, not untrusted input: no per-call SDK warning.
    expect(warned).not.toHaveBeenCalled();
  });

  it("uses the given fetch and adds the given headers", async () => {
    const log = recorder();
    server.use(
      http.post("http://openai.test/v1/responses", async ({ request }) => {
        await log.record(request);
        return HttpResponse.json(RESPONSES_JSON);
      }),
    );
    const fetchSpy = vi.fn((input: string | URL | Request, init?: RequestInit) => fetch(input, init));
    const outcome = await collect("openai/gpt-4o", false, {
      with: caller({ fetch: fetchSpy, headers: { "x-harness-run": "r1" } }),
    });
    expect(text(outcome.parts)).toBe("Hello");
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect(log.seen[0]?.headers.get("x-harness-run")).toBe("r1");
  });
});

describe("createAiSdkCaller: failures surface as OpenCode sees them", () => {
  const RATE_LIMITS = [
    {
      model: "openai/gpt-4o",
      url: "http://openai.test/v1/responses",
      body: {
        error: {
          message:
            "Rate limit reached for gpt-4o in organization org-1 on tokens per min (TPM): Limit 30000, Used 29937, Requested 385. Please try again in 644ms.",
          type: "tokens",
          param: null,
          code: "rate_limit_exceeded",
        },
      },
    },
    {
      model: "oaichat/gpt-4o",
      url: "http://oaichat.test/v1/chat/completions",
      body: {
        error: {
          message: "Rate limit reached for gpt-4o.",
          type: "requests",
          param: null,
          code: "rate_limit_exceeded",
        },
      },
    },
    {
      model: "anthropic/claude-sonnet-4-6",
      url: "http://anthropic.test/v1/messages",
      body: {
        type: "error",
        error: {
          type: "rate_limit_error",
          message: "This request would exceed the rate limit for your organization.",
        },
        request_id: "req_011CSLsW7mFqvHHnzrKdKjAE",
      },
    },
    {
      model: "google/gemini-2.5-flash",
      url: "http://google.test/v1beta/models/*",
      body: {
        error: {
          code: 429,
          message: "You exceeded your current quota, please check your plan and billing details.",
          status: "RESOURCE_EXHAUSTED",
        },
      },
    },
    {
      model: "openrouter/meta/llama-4",
      url: "http://openrouter.test/api/v1/chat/completions",
      body: { error: { code: 429, message: "Rate limit exceeded" } },
    },
  ] as const;

  for (const { model, url, body } of RATE_LIMITS) {
    it(`surfaces a 429 from ${model} as one APICallError with its status and headers, never retried`, async () => {
      let hits = 0;
      server.use(
        http.post(url, () => {
          hits += 1;
          return HttpResponse.json(body, {
            status: 429,
            headers: { "retry-after": "7", "x-request-id": "req_429" },
          });
        }),
      );
      const printed = vi.spyOn(console, "error").mockImplementation(() => undefined);

      const plain = await collect(model, false);
      expect(plain.parts).toEqual([]);
      expect(APICallError.isInstance(plain.thrown)).toBe(true);
      const error = plain.thrown as APICallError;
      expect(error.statusCode).toBe(429);
      expect(error.responseHeaders?.["retry-after"]).toBe("7");
      expect(error.responseHeaders?.["x-request-id"]).toBe("req_429");

      const streamed = await collect(model, true);
      expect(streamed.thrown).toBeUndefined();
      expect(kinds(streamed.parts)).toEqual(["error"]);
      const part = streamed.parts[0] as { error: unknown };
      expect(APICallError.isInstance(part.error)).toBe(true);
      expect((part.error as APICallError).statusCode).toBe(429);
      expect((part.error as APICallError).responseHeaders?.["retry-after"]).toBe("7");

      expect(hits).toBe(2);
      expect(printed).not.toHaveBeenCalled();
    });
  }

  it("yields an error and then finish error when Anthropic fails mid-stream after output", async () => {
    server.use(
      http.post("http://anthropic.test/v1/messages", () =>
        sse([
          ...ANTHROPIC_START,
          named("error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }),
        ]),
      ),
    );
    const { parts, thrown } = await collect("anthropic/claude-sonnet-4-6", true);
    expect(thrown).toBeUndefined();
    expect(kinds(parts)).toEqual(["text", "error", "finish:error"]);
    expect(text(parts)).toBe("Hel");
    expect((parts[1] as { error: unknown }).error).toEqual({
      type: "overloaded_error",
      message: "Overloaded",
    });
  });

  it("finishes with other when a stream ends without the provider's end marker", async () => {
    server.use(
      http.post("http://anthropic.test/v1/messages", () => sse(ANTHROPIC_START)),
      http.post("http://oaichat.test/v1/chat/completions", () => sse(CHAT_STREAM.slice(0, 3))),
    );
    const anthropic = await collect("anthropic/claude-sonnet-4-6", true);
    expect(anthropic.thrown).toBeUndefined();
    expect(kinds(anthropic.parts)).toEqual(["text", "finish:other"]);
    const chat = await collect("oaichat/gpt-4o", true);
    expect(chat.thrown).toBeUndefined();
    expect(kinds(chat.parts)).toEqual(["text", "text", "finish:other"]);
  });

  it("lets a connection reset mid-body propagate as a thrown error after the text so far", async () => {
    // The reset waits until the caller has passed on the first text, as a real socket's timing would allow;
    // an instant error would make the SDK drop the queued text.
    let textSeen = (): void => undefined;
    const errorAfter = new Promise<void>((resolve) => {
      textSeen = resolve;
    });
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    server.use(
      http.post("http://oaichat.test/v1/chat/completions", () =>
        sse(CHAT_STREAM.slice(0, 2), { error: reset, errorAfter }),
      ),
    );
    const { parts, thrown } = await collect("oaichat/gpt-4o", true, {
      on: (part) => part.type === "text" && textSeen(),
    });
    expect(kinds(parts)).toEqual(["text"]);
    expect(APICallError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({
      message: "Failed to process successful response",
      statusCode: 200,
      isRetryable: true,
      cause: reset,
    });
  });

  it("ends a stream with the abort reason when the signal aborts mid-stream", async () => {
    server.use(http.post("http://anthropic.test/v1/messages", () => sse(ANTHROPIC_START, { open: true })));
    const controller = new AbortController();
    const { parts, thrown } = await collect("anthropic/claude-sonnet-4-6", true, {
      signal: controller.signal,
      on: (part) => {
        if (part.type === "text") controller.abort();
      },
    });
    expect(kinds(parts)).toEqual(["text"]);
    expect(thrown).toMatchObject({ name: "AbortError" });
  });

  it("rejects a non-streaming call with an AbortError when the signal aborts while waiting", async () => {
    const controller = new AbortController();
    server.use(
      http.post("http://openai.test/v1/responses", async () => {
        controller.abort();
        await delay("infinite");
        return HttpResponse.json(RESPONSES_JSON);
      }),
    );
    const { parts, thrown } = await collect("openai/gpt-4o", false, { signal: controller.signal });
    expect(parts).toEqual([]);
    expect(thrown).toMatchObject({ name: "AbortError" });
  });

  it("rejects a non-streaming call with an AbortError when the body stalls and the signal aborts", async () => {
    const controller = new AbortController();
    server.use(
      http.post("http://openai.test/v1/responses", () => {
        let pulls = 0;
        // highWaterMark 0: pull runs only when the SDK reads the body, so the abort lands mid-body.
        const body = new ReadableStream<Uint8Array>(
          {
            pull(stream) {
              if (pulls++ > 0) return;
              stream.enqueue(encoder.encode('{"id":"resp_1","object":"resp'));
              controller.abort();
            },
          },
          { highWaterMark: 0 },
        );
        return new HttpResponse(body, { headers: { "content-type": "application/json" } });
      }),
    );
    const { parts, thrown } = await collect("openai/gpt-4o", false, { signal: controller.signal });
    expect(parts).toEqual([]);
    expect(thrown).toMatchObject({ name: "AbortError" });
  });

  it("yields one LoadAPIKeyError, and sends nothing, for a provider without an endpoint", async () => {
    const { parts, thrown } = await collect("mistral/mistral-large", true);
    expect(thrown).toBeUndefined();
    expect(parts).toHaveLength(1);
    const part = parts[0] as { type: string; error: unknown };
    expect(part.type).toBe("error");
    expect(LoadAPIKeyError.isInstance(part.error)).toBe(true);
    expect(String((part.error as Error).message)).toMatch(/provider "mistral" has no endpoint/);
  });
});

describe("createAiSdkCaller: a 200 whose JSON body is an error", () => {
  const body = {
    error: { code: 400, message: "The input token count exceeds the maximum.", status: "INVALID_ARGUMENT" },
  };
  const surfaced = (outcome: Outcome): unknown =>
    outcome.thrown ?? outcome.parts.find((p) => p.type === "error")?.error;

  it.each([
    ["google/gemini-2.5-flash", "http://google.test/v1beta/models/gemini-2.5-flash\\:generateContent", false],
    [
      "google/gemini-2.5-flash",
      "http://google.test/v1beta/models/gemini-2.5-flash\\:streamGenerateContent",
      true,
    ],
    ["openrouter/meta/llama", "http://openrouter.test/api/v1/chat/completions", true],
    ["openrouter/meta/llama", "http://openrouter.test/api/v1/chat/completions", false],
    ["openai/gpt-4o", "http://openai.test/v1/responses", true],
    ["openai/gpt-4o", "http://openai.test/v1/responses", false],
    ["anthropic/claude-sonnet-4-6", "http://anthropic.test/v1/messages", true],
    ["anthropic/claude-sonnet-4-6", "http://anthropic.test/v1/messages", false],
  ] as const)(
    "%s at %s (stream %s): the body is the error, not an empty or unfinished answer",
    async (model, url, stream) => {
      server.use(http.post(url, () => HttpResponse.json(body, { status: 200 })));
      const outcome = await collect(model, stream);
      expect(surfaced(outcome)).toMatchObject({ name: "ErrorBodyIn200", status: 200, body });
      expect(text(outcome.parts)).toBe("");
    },
  );

  it("leaves a success body that carries `error: null` alone", async () => {
    server.use(http.post("http://openai.test/v1/responses", () => HttpResponse.json(RESPONSES_JSON)));
    const outcome = await collect("openai/gpt-4o", false);
    expect(outcome.thrown).toBeUndefined();
    expect(text(outcome.parts)).toBe("Hello");
  });
});

describe("createAiSdkCaller: a 200 JSON body cut mid-way", () => {
  it("fails the SDK's own read with the transport's error, not as a failed connection", async () => {
    const reset = Object.assign(new TypeError("terminated"), { code: "ECONNRESET" });
    const cutFetch: typeof fetch = () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode(JSON.stringify(ANTHROPIC_JSON).slice(0, 40)));
          controller.error(reset);
        },
      });
      return Promise.resolve(
        new Response(body, { status: 200, headers: { "content-type": "application/json" } }),
      );
    };
    const { parts, thrown } = await collect("anthropic/claude-sonnet-4-6", false, {
      with: caller({ fetch: cutFetch }),
    });
    expect(parts).toEqual([]);
    // What the SDK makes of a success body it could not read: its own wrapper, the reset as the cause.
    expect(APICallError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({ message: "Failed to process successful response", statusCode: 200 });
    expect((thrown as APICallError).cause).toBe(reset);
  });
});
