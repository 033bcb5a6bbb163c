import { createOpenAI } from "@ai-sdk/openai";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { generateText, streamText } from "ai";
import { describe, expect, it } from "vitest";
import type { ModelCallPart, Prompt } from "../engine/ports.ts";
import { createAiSdkCaller } from "./ai-sdk-caller.ts";
import { ANTHROPIC_START, named } from "./ai-sdk-caller.fixtures.ts";

// The caller calls `doGenerate` / `doStream` itself instead of going through `generateText` / `streamText`;
// these tests hold it to sending the very request the SDK functions send and ending streams as they do.

const BASE = "http://direct.test/v1";
const KEY = "sk-direct";
const FAILURE = '{"error":{"message":"boom","type":"server_error"}}';

type Sent = readonly [url: string, headers: readonly (readonly [string, string])[], body: string];

/** A fetch that records each request and answers a 500, so no answer parsing is involved. */
function recordingFetch(): { fetch: typeof fetch; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const body = typeof init?.body === "string" ? init.body : "";
    const headers: [string, string][] = [];
    new Headers(init?.headers).forEach((value, name) => headers.push([name, value]));
    sent.push([url, headers.sort(([a], [b]) => a.localeCompare(b)), body]);
    return Promise.resolve(
      new Response(FAILURE, { status: 500, headers: { "content-type": "application/json" } }),
    );
  };
  return { fetch, sent };
}

const APIS = {
  "openai-responses": (fetch: typeof globalThis.fetch, id: string) =>
    createOpenAI({ baseURL: BASE, apiKey: KEY, fetch }).responses(id),
  "openai-chat": (fetch: typeof globalThis.fetch, id: string) =>
    createOpenAI({ baseURL: BASE, apiKey: KEY, fetch }).chat(id),
  anthropic: (fetch: typeof globalThis.fetch, id: string) =>
    createAnthropic({ baseURL: BASE, apiKey: KEY, fetch })(id),
  google: (fetch: typeof globalThis.fetch, id: string) =>
    createGoogleGenerativeAI({ baseURL: BASE, apiKey: KEY, fetch })(id),
  "openai-compatible": (fetch: typeof globalThis.fetch, id: string) =>
    createOpenAICompatible({
      baseURL: BASE,
      apiKey: KEY,
      fetch,
      name: "compat",
      includeUsage: true,
    }).chatModel(id),
} as const satisfies Record<string, (fetch: typeof globalThis.fetch, id: string) => LanguageModelV3>;

const PROMPTS: readonly Prompt[] = [
  "hello",
  [
    { role: "system", content: "be brief" },
    { role: "user", content: "hi" },
    { role: "assistant", content: "hello" },
    { role: "user", content: "" },
  ],
];

async function throughCaller(api: keyof typeof APIS, prompt: Prompt, stream: boolean): Promise<Sent[]> {
  const { fetch, sent } = recordingFetch();
  const caller = createAiSdkCaller({ endpoints: { p: { baseURL: BASE, apiKey: KEY, api } }, fetch });
  try {
    for await (const part of caller.call({
      model: "p/m" as never,
      prompt,
      stream,
      signal: new AbortController().signal,
    }))
      if (part.type === "error") break;
  } catch {
    // The 500 itself is not what these tests look at.
  }
  return sent;
}

async function throughSdk(api: keyof typeof APIS, prompt: Prompt, stream: boolean): Promise<Sent[]> {
  const { fetch, sent } = recordingFetch();
  const model = APIS[api](fetch, "m");
  const input =
    typeof prompt === "string" ? { prompt } : { messages: [...prompt], allowSystemInMessages: true as const };
  if (stream) {
    for await (const part of streamText({ model, ...input, maxRetries: 0, onError: () => undefined })
      .fullStream)
      if (part.type === "error") break;
  } else {
    await generateText({ model, ...input, maxRetries: 0 }).catch(() => undefined);
  }
  return sent;
}

describe("the caller's direct provider calls", () => {
  for (const api of Object.keys(APIS) as (keyof typeof APIS)[])
    for (const stream of [false, true])
      it(`send what ${stream ? "streamText" : "generateText"} sends (${api})`, async () => {
        for (const prompt of PROMPTS) {
          const direct = await throughCaller(api, prompt, stream);
          expect(direct).toHaveLength(1);
          expect(direct).toEqual(await throughSdk(api, prompt, stream));
        }
      });

  const BODIES: Readonly<Record<string, readonly string[]>> = {
    empty: [],
    "text, no finish": ['{"id":"c","choices":[{"index":0,"delta":{"content":"Hel"}}]}'],
    "in-band error first": ['{"error":{"message":"overloaded","type":"server_error"}}'],
    whole: [
      '{"id":"c","choices":[{"index":0,"delta":{"content":"Hel"}}]}',
      '{"id":"c","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}',
      "[DONE]",
    ],
  };

  const sseFetch =
    (chunks: readonly string[]): typeof globalThis.fetch =>
    () =>
      Promise.resolve(
        new Response(chunks.map((c) => `data: ${c}\n\n`).join(""), {
          status: 200,
          headers: { "content-type": "text/event-stream" },
        }),
      );

  /** Parts as comparable data: an error by its name and message. */
  const comparable = (part: ModelCallPart): unknown =>
    part.type === "error"
      ? {
          type: "error",
          error: part.error instanceof Error ? [part.error.name, part.error.message] : part.error,
        }
      : part;

  for (const [name, chunks] of Object.entries(BODIES))
    it(`yields the parts streamText yields for a stream (${name})`, async () => {
      const caller = createAiSdkCaller({
        endpoints: { p: { baseURL: BASE, apiKey: KEY, api: "openai-compatible" } },
        fetch: sseFetch(chunks),
      });
      const direct: unknown[] = [];
      for await (const part of caller.call({
        model: "p/m" as never,
        prompt: "hi",
        stream: true,
        signal: new AbortController().signal,
      }))
        direct.push(comparable(part));
      const sdk: unknown[] = [];
      const model = APIS["openai-compatible"](sseFetch(chunks), "m");
      for await (const part of streamText({ model, prompt: "hi", maxRetries: 0, onError: () => undefined })
        .fullStream) {
        if (part.type === "text-delta") sdk.push({ type: "text", text: part.text });
        else if (part.type === "error") sdk.push(comparable({ type: "error", error: part.error }));
        else if (part.type === "finish") sdk.push({ type: "finish", finishReason: part.finishReason });
      }
      expect(direct.length).toBeGreaterThan(0);
      expect(direct).toEqual(sdk);
    });

  it("finishes a stream whose provider sent an error part and no finish chunk as `error`", async () => {
    // Anthropic's provider emits `finish` only on message_stop, so an `error` event followed by the end of
    // the body leaves the error part as the stream's last word: the finish reason must say so, not `other`.
    const frames = [
      ...ANTHROPIC_START,
      named("error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }),
    ];
    const caller = createAiSdkCaller({
      endpoints: { p: { baseURL: BASE, apiKey: KEY, api: "anthropic" } },
      fetch: () =>
        Promise.resolve(
          new Response(frames.join(""), { status: 200, headers: { "content-type": "text/event-stream" } }),
        ),
    });
    const parts: ModelCallPart[] = [];
    // Read past the error part, as a consumer that does not stop at the first error would.
    for await (const part of caller.call({
      model: "p/m" as never,
      prompt: "hi",
      stream: true,
      signal: new AbortController().signal,
    }))
      parts.push(part);
    expect(parts.map((part) => part.type)).toEqual(["text", "error", "finish"]);
    expect(parts.at(-1)).toEqual({ type: "finish", finishReason: "error" });
  });
});
