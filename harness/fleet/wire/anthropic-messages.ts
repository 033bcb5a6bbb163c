import type { Finish, ReplyContext, StreamScript, WireFormat } from "./types.ts";
import { textOf } from "./types.ts";

/**
 * Anthropic Messages (reference/providers.md §3). Every stream event carries both an `event:` line and a
 * `data:` line: @anthropic-ai/sdk ignores events without the `event:` line. `message_stop` is the end
 * marker; `message_delta.usage.output_tokens` is cumulative. The content filter ends with `stop_reason:
 * "refusal"`.
 */
export const anthropicMessages: WireFormat = {
  success(ctx, finish) {
    const text = textOf(ctx);
    return {
      id: messageId(ctx),
      type: "message",
      role: "assistant",
      model: ctx.model,
      content: text === "" ? [] : [{ type: "text", text }],
      stop_reason: stopReason(finish),
      stop_sequence: null,
      usage: {
        input_tokens: ctx.promptTokens,
        output_tokens: ctx.tokens.length,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    };
  },
  stream(ctx, finish): StreamScript {
    const head = [
      event("message_start", {
        type: "message_start",
        message: {
          id: messageId(ctx),
          type: "message",
          role: "assistant",
          model: ctx.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: ctx.promptTokens,
            output_tokens: 1,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
          },
        },
      }),
      event("content_block_start", {
        type: "content_block_start",
        index: 0,
        content_block: { type: "text", text: "" },
      }),
      event("ping", { type: "ping" }),
    ];
    const tokens = ctx.tokens.map((text) =>
      event("content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text },
      }),
    );
    const tail = [
      event("content_block_stop", { type: "content_block_stop", index: 0 }),
      event("message_delta", {
        type: "message_delta",
        delta: { stop_reason: stopReason(finish), stop_sequence: null },
        usage: { output_tokens: ctx.tokens.length },
      }),
      event("message_stop", { type: "message_stop" }),
    ];
    return { head, tokens, tail };
  },
  errorFrames(_ctx, error) {
    return [event("error", { type: "error", error: error.error })];
  },
  malformed() {
    return `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_del\n\n`;
  },
};

function event(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

function messageId(ctx: ReplyContext): string {
  return `msg_${ctx.requestId}`;
}

function stopReason(finish: Finish): string {
  return finish === "stop" ? "end_turn" : "refusal";
}
