import type { Finish, ReplyContext, StreamScript, WireFormat } from "./types.ts";
import { epochSeconds, textOf } from "./types.ts";

/**
 * OpenAI Chat Completions (reference/providers.md §2), also spoken by Azure and OpenRouter: data-only SSE
 * frames, a role chunk, one content chunk per token, a finish chunk, a usage chunk (the AI SDK always asks
 * for `stream_options.include_usage`) and `data: [DONE]`. Provider quirks: OpenRouter sends
 * `: OPENROUTER PROCESSING` keep-alive comments and puts mid-stream errors in a chunk whose finish reason is
 * `error`; Azure opens with a `prompt_filter_results` chunk that has no choices.
 */
export const openaiChat: WireFormat = {
  success(ctx, finish) {
    return {
      id: chatId(ctx),
      object: "chat.completion",
      created: epochSeconds(ctx),
      model: ctx.model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: textOf(ctx), refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: finishReason(finish),
        },
      ],
      usage: usage(ctx),
      system_fingerprint: "fp_fleet",
    };
  },
  stream(ctx, finish): StreamScript {
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
      frame({
        id: chatId(ctx),
        object: "chat.completion.chunk",
        created: epochSeconds(ctx),
        model: ctx.model,
        system_fingerprint: "fp_fleet",
        choices,
        ...extra,
      });
    const head = [
      chunk([{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }]),
    ];
    if (ctx.provider === "openrouter") head.unshift(KEEP_ALIVE);
    if (ctx.provider === "azure")
      head.unshift(
        frame({
          choices: [],
          created: 0,
          id: "",
          model: "",
          object: "",
          prompt_filter_results: [{ prompt_index: 0, content_filter_results: safeFilterResults() }],
        }),
      );
    const tokens = ctx.tokens.map((t) =>
      chunk([{ index: 0, delta: { content: t }, logprobs: null, finish_reason: null }]),
    );
    // A keep-alive in the middle of the text too, where OpenRouter sends them while the upstream thinks.
    if (ctx.provider === "openrouter" && tokens.length > 1) tokens[1] = KEEP_ALIVE + (tokens[1] ?? "");
    const tail = [
      chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason(finish) }]),
      chunk([], { usage: usage(ctx) }),
      "data: [DONE]\n\n",
    ];
    return { head, tokens, tail };
  },
  errorFrames(ctx, error) {
    if (ctx.provider === "openrouter") {
      return [
        frame({
          id: chatId(ctx),
          object: "chat.completion.chunk",
          created: epochSeconds(ctx),
          model: ctx.model,
          provider: "Fleet",
          error: error.error,
          choices: [
            { index: 0, delta: { content: "" }, finish_reason: "error", native_finish_reason: "error" },
          ],
        }),
      ];
    }
    return [frame({ error: error.error })];
  },
  malformed(ctx) {
    return `data: {"id":"${chatId(ctx)}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"\n\n`;
  },
};

/** OpenRouter's keep-alive comment (an SSE comment line; parsers must skip it). */
export const KEEP_ALIVE = ": OPENROUTER PROCESSING\n\n";

function frame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

function chatId(ctx: ReplyContext): string {
  return `chatcmpl-${ctx.requestId}`;
}

function finishReason(finish: Finish): string {
  return finish === "stop" ? "stop" : "content_filter";
}

function usage(ctx: ReplyContext): Record<string, unknown> {
  return {
    prompt_tokens: ctx.promptTokens,
    completion_tokens: ctx.tokens.length,
    total_tokens: ctx.promptTokens + ctx.tokens.length,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function safeFilterResults(): Record<string, unknown> {
  const safe = { filtered: false, severity: "safe" };
  return { hate: safe, self_harm: safe, sexual: safe, violence: safe };
}
