import { HttpResponse } from "msw";

/*
 * Provider wire frames for the AI SDK caller's tests, in the exact formats of reference/providers.md
 * (§2 OpenAI chat and Responses, §3 Anthropic, §4 Gemini). Test support only; nothing imports it at run time.
 */

/** Encodes SSE frames. */
export const encoder = new TextEncoder();

/**
 * An SSE response that hands out one frame per read, the way a socket delivers them. After the frames it
 * closes; or errors (a reset mid-body), once `errorAfter` resolves so the test decides when; or, with
 * `open`, never sends another byte (a stalled provider).
 */
export function sse(
  frames: readonly string[],
  options: { open?: boolean; error?: Error; errorAfter?: Promise<void> } = {},
): HttpResponse<ReadableStream> {
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const frame = frames[index++];
      if (frame !== undefined) controller.enqueue(encoder.encode(frame));
      else if (options.error) {
        await options.errorAfter;
        controller.error(options.error);
      } else if (!options.open) controller.close();
    },
  });
  return new HttpResponse(body, { headers: { "content-type": "text/event-stream" } });
}

/** A data-only SSE event. */
export const data = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;
/** An SSE event with an `event:` line (Anthropic, OpenAI Responses). */
export const named = (event: string, value: unknown): string =>
  `event: ${event}\ndata: ${JSON.stringify(value)}\n\n`;

/** One OpenAI Chat Completions stream chunk. */
export const chatChunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  data({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1700000000,
    model: "gpt-4o",
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
/** The usage-only chunk OpenAI sends last when `include_usage` is on. */
export const CHAT_USAGE = data({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 1700000000,
  model: "gpt-4o",
  choices: [],
  usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
});
/** A whole Chat Completions stream: "Hel" + "lo", stop, usage, `[DONE]`. */
export const CHAT_STREAM = [
  chatChunk({ role: "assistant", content: "" }),
  chatChunk({ content: "Hel" }),
  chatChunk({ content: "lo" }),
  chatChunk({}, "stop"),
  CHAT_USAGE,
  "data: [DONE]\n\n",
];
/** A Chat Completions response: "Hello", stop. */
export const CHAT_JSON = {
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1700000000,
  model: "gpt-4o-2024-08-06",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: "Hello", refusal: null },
      logprobs: null,
      finish_reason: "stop",
    },
  ],
  usage: {
    prompt_tokens: 9,
    completion_tokens: 1,
    total_tokens: 10,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  },
};

/** Responses API usage. */
export const RESPONSES_USAGE = {
  input_tokens: 9,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 2,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 11,
};
/** A Responses API response: "Hello", completed. */
export const RESPONSES_JSON = {
  id: "resp_1",
  object: "response",
  created_at: 1700000000,
  status: "completed",
  model: "gpt-4o",
  output: [
    {
      type: "message",
      id: "msg_1",
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: "Hello", annotations: [] }],
    },
  ],
  usage: RESPONSES_USAGE,
  incomplete_details: null,
  error: null,
};
/** One `response.output_text.delta` event. */
export const responsesDelta = (n: number, delta: string) =>
  named("response.output_text.delta", {
    type: "response.output_text.delta",
    sequence_number: n,
    item_id: "msg_1",
    output_index: 0,
    content_index: 0,
    delta,
    logprobs: [],
  });
/** A whole Responses stream, created → completed, text "Hel" + "lo". */
export const RESPONSES_STREAM = [
  named("response.created", {
    type: "response.created",
    sequence_number: 0,
    response: {
      id: "resp_1",
      object: "response",
      created_at: 1700000000,
      status: "in_progress",
      model: "gpt-4o",
      output: [],
    },
  }),
  named("response.output_item.added", {
    type: "response.output_item.added",
    sequence_number: 1,
    output_index: 0,
    item: { type: "message", id: "msg_1", status: "in_progress", role: "assistant", content: [] },
  }),
  named("response.content_part.added", {
    type: "response.content_part.added",
    sequence_number: 2,
    item_id: "msg_1",
    output_index: 0,
    content_index: 0,
    part: { type: "output_text", text: "", annotations: [] },
  }),
  responsesDelta(3, "Hel"),
  responsesDelta(4, "lo"),
  named("response.output_text.done", {
    type: "response.output_text.done",
    sequence_number: 5,
    item_id: "msg_1",
    output_index: 0,
    content_index: 0,
    text: "Hello",
    logprobs: [],
  }),
  named("response.output_item.done", {
    type: "response.output_item.done",
    sequence_number: 6,
    output_index: 0,
    item: {
      type: "message",
      id: "msg_1",
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: "Hello", annotations: [] }],
    },
  }),
  named("response.completed", {
    type: "response.completed",
    sequence_number: 7,
    response: {
      id: "resp_1",
      object: "response",
      created_at: 1700000000,
      status: "completed",
      model: "gpt-4o",
      usage: RESPONSES_USAGE,
      incomplete_details: null,
    },
  }),
];

/** An Anthropic Messages response: "Hello", end_turn. */
export const ANTHROPIC_JSON = {
  id: "msg_01",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-6",
  content: [{ type: "text", text: "Hello" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 12, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
};
/** The opening of an Anthropic stream, up to and including the first text delta "Hel". */
export const ANTHROPIC_START = [
  named("message_start", {
    type: "message_start",
    message: {
      id: "msg_01",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-6",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 1 },
    },
  }),
  named("content_block_start", {
    type: "content_block_start",
    index: 0,
    content_block: { type: "text", text: "" },
  }),
  named("ping", { type: "ping" }),
  named("content_block_delta", {
    type: "content_block_delta",
    index: 0,
    delta: { type: "text_delta", text: "Hel" },
  }),
];
/** A whole Anthropic stream, "Hel" + "lo", ending with message_stop. */
export const ANTHROPIC_STREAM = [
  ...ANTHROPIC_START,
  named("content_block_delta", {
    type: "content_block_delta",
    index: 0,
    delta: { type: "text_delta", text: "lo" },
  }),
  named("content_block_stop", { type: "content_block_stop", index: 0 }),
  named("message_delta", {
    type: "message_delta",
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: { output_tokens: 5 },
  }),
  named("message_stop", { type: "message_stop" }),
];

/** One Gemini GenerateContentResponse. */
export const geminiChunk = (text: string, finish?: string) => ({
  candidates: [
    { content: { parts: [{ text }], role: "model" }, ...(finish ? { finishReason: finish } : {}), index: 0 },
  ],
  usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 1, totalTokenCount: 5 },
  modelVersion: "gemini-2.5-flash",
  responseId: "abc",
});
/** A Gemini response: "Hello", STOP. */
export const GEMINI_JSON = geminiChunk("Hello", "STOP");
/** A Gemini SSE frame: one `data:` line ended by CRLF CRLF. */
export const geminiFrame = (value: unknown): string => `data: ${JSON.stringify(value)}\r\n\r\n`;
/** A whole Gemini stream, "Hel" + "lo" with STOP on the last chunk. */
export const GEMINI_STREAM = [geminiFrame(geminiChunk("Hel")), geminiFrame(geminiChunk("lo", "STOP"))];
