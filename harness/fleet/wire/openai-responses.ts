import type { Finish, ReplyContext, StreamScript, WireFormat } from "./types.ts";
import { epochSeconds, textOf } from "./types.ts";

/**
 * OpenAI Responses API (reference/providers.md §2): named SSE events (`event:` + `data:` with the same
 * `type` and a running `sequence_number`), no `[DONE]`; `response.completed` is the end marker. A content
 * filter ends the response as `incomplete` with `incomplete_details.reason: "content_filter"`. Errors
 * after 200 are an `error` event followed by `response.failed`.
 */
export const openaiResponses: WireFormat = {
  success(ctx, finish) {
    return responseObject(ctx, finish, true);
  },
  stream(ctx, finish): StreamScript {
    let seq = 0;
    const ev = (type: string, data: Record<string, unknown>): string =>
      event(type, { type, sequence_number: seq++, ...data });
    const item = {
      id: messageId(ctx),
      type: "message",
      status: "in_progress",
      role: "assistant",
      content: [],
    };
    const part = { type: "output_text", text: "", annotations: [], logprobs: [] };
    const at = { item_id: messageId(ctx), output_index: 0, content_index: 0 };
    const head = [
      ev("response.created", { response: responseObject(ctx, finish, false) }),
      ev("response.in_progress", { response: responseObject(ctx, finish, false) }),
      ev("response.output_item.added", { output_index: 0, item }),
      ev("response.content_part.added", { ...at, part }),
    ];
    const tokens = ctx.tokens.map((delta) =>
      ev("response.output_text.delta", { ...at, delta, logprobs: [] }),
    );
    const text = textOf(ctx);
    const done = responseObject(ctx, finish, true);
    const tail = [
      ev("response.output_text.done", { ...at, text, logprobs: [] }),
      ev("response.content_part.done", { ...at, part: { ...part, text } }),
      ev("response.output_item.done", { output_index: 0, item: messageItem(ctx) }),
      ev(finish === "stop" ? "response.completed" : "response.incomplete", { response: done }),
    ];
    return { head, tokens, tail };
  },
  errorFrames(ctx, error) {
    const e = error.error;
    const code =
      typeof e["code"] === "string" ? e["code"] : typeof e["type"] === "string" ? e["type"] : "server_error";
    return [
      event("error", {
        type: "error",
        sequence_number: 90_000,
        error: { type: e["type"] ?? null, code, message: e["message"], param: e["param"] ?? null },
      }),
      event("response.failed", {
        type: "response.failed",
        sequence_number: 90_001,
        response: {
          ...responseObject(ctx, "stop", false),
          status: "failed",
          error: { code, message: e["message"] },
        },
      }),
    ];
  },
  malformed(ctx) {
    return `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"${messageId(ctx)}","output_index":0,"delta":"\n\n`;
  },
};

function event(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

function messageId(ctx: ReplyContext): string {
  return `msg_${ctx.requestId}`;
}

function messageItem(ctx: ReplyContext): Record<string, unknown> {
  return {
    id: messageId(ctx),
    type: "message",
    status: "completed",
    role: "assistant",
    content: [{ type: "output_text", text: textOf(ctx), annotations: [], logprobs: [] }],
  };
}

function responseObject(ctx: ReplyContext, finish: Finish, complete: boolean): Record<string, unknown> {
  const filtered = finish !== "stop";
  return {
    id: `resp_${ctx.requestId}`,
    object: "response",
    created_at: epochSeconds(ctx),
    status: !complete ? "in_progress" : filtered ? "incomplete" : "completed",
    model: ctx.model,
    output: complete ? [messageItem(ctx)] : [],
    usage: complete
      ? {
          input_tokens: ctx.promptTokens,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: ctx.tokens.length,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: ctx.promptTokens + ctx.tokens.length,
        }
      : null,
    incomplete_details: complete && filtered ? { reason: "content_filter" } : null,
    error: null,
    parallel_tool_calls: true,
    tool_choice: "auto",
    tools: [],
  };
}
