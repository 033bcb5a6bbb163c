import type { Finish, ReplyContext, StreamScript, WireFormat } from "./types.ts";
import { textOf } from "./types.ts";

/**
 * Gemini generateContent / streamGenerateContent?alt=sse (reference/providers.md §4): each SSE frame is one
 * whole `GenerateContentResponse` on a single `data:` line ending in `\r\n\r\n`; there is no terminator, the
 * chunk with `finishReason` ends the answer. Safety blocks are HTTP 200: a candidate with `finishReason:
 * "SAFETY"`, or (prompt blocked) `promptFeedback.blockReason` and no candidates.
 */
export const gemini: WireFormat = {
  success(ctx, finish) {
    if (finish === "blocked_prompt") return blockedPrompt(ctx);
    const text = textOf(ctx);
    return {
      candidates: [candidate(text === "" ? [] : [{ text }], finish)],
      usageMetadata: usage(ctx, ctx.tokens.length),
      modelVersion: ctx.model,
      responseId: ctx.requestId,
    };
  },
  stream(ctx, finish): StreamScript {
    if (finish === "blocked_prompt") return { head: [], tokens: [], tail: [frame(blockedPrompt(ctx))] };
    const tokens = ctx.tokens.map((text, i) =>
      frame({
        candidates: [{ content: { parts: [{ text }], role: "model" }, index: 0 }],
        usageMetadata: usage(ctx, i + 1),
        modelVersion: ctx.model,
        responseId: ctx.requestId,
      }),
    );
    const tail = [
      frame({
        candidates: [candidate([{ text: "" }], finish)],
        usageMetadata: usage(ctx, ctx.tokens.length),
        modelVersion: ctx.model,
        responseId: ctx.requestId,
      }),
    ];
    return { head: [], tokens, tail };
  },
  errorFrames(_ctx, error) {
    return [frame({ error: error.error })];
  },
  malformed(ctx) {
    return `data: {"responseId":"${ctx.requestId}","candidates":[{"content":{"parts":[{"text":"\r\n\r\n`;
  },
};

function frame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\r\n\r\n`;
}

function candidate(parts: readonly { text: string }[], finish: Finish): Record<string, unknown> {
  if (finish === "stop") return { content: { parts, role: "model" }, finishReason: "STOP", index: 0 };
  return {
    content:
      parts.length === 0 || parts.every((p) => p.text === "") ? { role: "model" } : { parts, role: "model" },
    finishReason: "SAFETY",
    index: 0,
    safetyRatings: safetyRatings(true),
  };
}

function blockedPrompt(ctx: ReplyContext): Record<string, unknown> {
  return {
    promptFeedback: { blockReason: "SAFETY", safetyRatings: safetyRatings(true) },
    usageMetadata: { promptTokenCount: ctx.promptTokens, totalTokenCount: ctx.promptTokens },
    modelVersion: ctx.model,
    responseId: ctx.requestId,
  };
}

function safetyRatings(blocked: boolean): unknown[] {
  return [
    { category: "HARM_CATEGORY_HATE_SPEECH", probability: "NEGLIGIBLE" },
    { category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH", blocked },
    { category: "HARM_CATEGORY_HARASSMENT", probability: "NEGLIGIBLE" },
    { category: "HARM_CATEGORY_SEXUALLY_EXPLICIT", probability: "NEGLIGIBLE" },
  ];
}

function usage(ctx: ReplyContext, candidates: number): Record<string, unknown> {
  return {
    promptTokenCount: ctx.promptTokens,
    candidatesTokenCount: candidates,
    totalTokenCount: ctx.promptTokens + candidates,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: ctx.promptTokens }],
  };
}
