import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  OpencodeError,
  resultFromRunOutput,
  resultFromServeReply,
  sessionFollower,
} from "./opencode-reply.ts";

// Recorded from opencode-ai 1.18.33 driven against `fallback-harness serve` (fixtures/): a served prompt,
// a 401 the fleet answered, the same through `opencode run --format json`, and `/event` frames.
const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const CANONICAL = "The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs.";

describe("resultFromServeReply", () => {
  it("reads the answering model as OpenCode reports it and the text of the text parts", () => {
    const result = resultFromServeReply(JSON.parse(fixture("serve-reply-success.json")), 1);
    expect(result).toEqual({ model: "openai/gpt-4.1", text: `${CANONICAL} [openai/gpt-4.1]`, attempts: 1 });
  });

  it("rejects with OpenCode's error when the assistant message carries one", () => {
    const reply: unknown = JSON.parse(fixture("serve-reply-error-401.json"));
    expect(() => resultFromServeReply(reply, 1)).toThrow(OpencodeError);
    try {
      resultFromServeReply(reply, 1);
    } catch (error) {
      expect(error).toMatchObject({ opencodeName: "APIError", statusCode: 401 });
      expect((error as Error).message).toContain(
        "OpenCode failed the prompt: APIError 401: Incorrect API key",
      );
    }
  });

  it("rejects a reply with no assistant message rather than calling it an empty success", () => {
    expect(() => resultFromServeReply({ parts: [] }, 1)).toThrow("holds no assistant message");
  });

  it("leaves synthetic and non-text parts out of the text", () => {
    const reply = {
      info: { role: "assistant", providerID: "anthropic", modelID: "claude-sonnet-4-5" },
      parts: [
        { type: "reasoning", text: "thinking" },
        { type: "text", text: "A", synthetic: true },
        { type: "text", text: "B" },
      ],
    };
    expect(resultFromServeReply(reply, 3)).toEqual({
      model: "anthropic/claude-sonnet-4-5",
      text: "B",
      attempts: 3,
    });
  });
});

describe("resultFromRunOutput", () => {
  it("reads the text events of `opencode run --format json`, the model being the one it was given", () => {
    const result = resultFromRunOutput(fixture("run-success.jsonl"), "anthropic/claude-sonnet-4-5", 0);
    expect(result).toEqual({
      model: "anthropic/claude-sonnet-4-5",
      text: `${CANONICAL} [anthropic/claude-sonnet-4-5]`,
      attempts: 1,
    });
  });

  it("rejects with the error event, and on a failed exit without one", () => {
    expect(() => resultFromRunOutput(fixture("run-error-401.jsonl"), "openai/gpt-4.1", 1)).toThrow(
      "OpenCode failed the prompt: APIError 401",
    );
    expect(() => resultFromRunOutput(fixture("run-success.jsonl"), "openai/gpt-4.1", 1)).toThrow(
      "opencode run exited 1 without an error event",
    );
  });
});

describe("sessionFollower", () => {
  const events = fixture("serve-events.jsonl")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as unknown);

  it("passes on the answer's text deltas, which add up to the answer", () => {
    const follow = sessionFollower();
    const text = events
      .map(follow)
      .flatMap((s) => (s.kind === "delta" ? [s.text] : []))
      .join("");
    expect(text).toBe(`${CANONICAL} [anthropic/claude-sonnet-4-5]`);
  });

  it("reports OpenCode's retry statuses with their attempt number", () => {
    const retries = events.map(sessionFollower()).filter((s) => s.kind === "retry");
    expect(retries).toEqual([
      { kind: "retry", attempt: 1, message: expect.stringContaining("Cannot connect") as unknown },
    ]);
  });

  it("resets when OpenCode drops a text part it had streamed, and ignores deltas of non-text parts", () => {
    const follow = sessionFollower();
    const part = (id: string, type: string): unknown => ({
      type: "message.part.updated",
      properties: { part: { id, type } },
    });
    const delta = (partID: string, text: string): unknown => ({
      type: "message.part.delta",
      properties: { partID, field: "text", delta: text },
    });
    follow(part("prt_r", "reasoning"));
    expect(follow(delta("prt_r", "hmm"))).toEqual({ kind: "none" });
    follow(part("prt_t", "text"));
    expect(follow(delta("prt_t", "Hel"))).toEqual({ kind: "delta", text: "Hel" });
    expect(follow({ type: "message.part.removed", properties: { partID: "prt_t" } })).toMatchObject({
      kind: "reset",
    });
    expect(follow({ type: "message.part.removed", properties: { partID: "prt_never" } })).toEqual({
      kind: "none",
    });
  });
});
