import { afterEach, describe, expect, it, vi } from "vitest";
import { GatewayError, sendChat, type ChatCall } from "./openai-chat.ts";

// sendChat against canned gateway answers (global fetch stubbed): what counts as a complete stream, and a
// content filter passed on by the gateway.

function chunk(body: object): string {
  return `data: ${JSON.stringify(body)}\n\n`;
}

const HELLO = chunk({
  model: "gpt-4o",
  choices: [{ index: 0, delta: { content: "Hello" }, finish_reason: null }],
});
const STOP = chunk({ model: "gpt-4o", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
const FILTERED = chunk({
  model: "gpt-4o",
  choices: [{ index: 0, delta: {}, finish_reason: "content_filter" }],
});
const USAGE = chunk({ model: "gpt-4o", choices: [], usage: { prompt_tokens: 1, completion_tokens: 1 } });
const DONE = "data: [DONE]\n\n";

function answer(body: string, stream: boolean): void {
  const type = stream ? "text/event-stream" : "application/json";
  vi.stubGlobal("fetch", () => Promise.resolve(new Response(body, { headers: { "content-type": type } })));
}

function call(stream: boolean): ChatCall {
  return {
    baseURL: "http://gateway.test/v1",
    headers: {},
    model: "gpt-4o",
    request: { prompt: "hi", stream, agent: "build" },
    servedBy: (_response, reported) => `openai/${reported ?? "unknown"}`,
    attempts: () => 1,
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("sendChat reading a stream", () => {
  it("accepts a stream that ends after a finish_reason chunk without [DONE]", async () => {
    answer(HELLO + STOP + USAGE, true);
    await expect(sendChat(call(true))).resolves.toMatchObject({ text: "Hello", model: "openai/gpt-4o" });
  });

  it("rejects a stream with neither a finish_reason nor [DONE] as truncated", async () => {
    answer(HELLO, true);
    await expect(sendChat(call(true))).rejects.toThrow(/ended without a finish_reason or \[DONE\]/);
  });

  it("rejects a stream that finishes with content_filter, even with [DONE], as a filtered answer", async () => {
    answer(HELLO + FILTERED + USAGE + DONE, true);
    const failure = await sendChat(call(true)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GatewayError);
    expect((failure as GatewayError).status).toBe(200);
    expect((failure as GatewayError).message).toMatch(/content filter/);
  });
});

describe("sendChat reading a non-streamed answer", () => {
  it("rejects a content_filter finish as a filtered answer with status 200", async () => {
    const body = {
      model: "gpt-4o",
      choices: [{ index: 0, message: { role: "assistant", content: "" }, finish_reason: "content_filter" }],
    };
    answer(JSON.stringify(body), false);
    const failure = await sendChat(call(false)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GatewayError);
    expect((failure as GatewayError).status).toBe(200);
    expect((failure as GatewayError).message).toMatch(/content filter/);
  });
});
