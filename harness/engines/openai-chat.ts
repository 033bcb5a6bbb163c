import type { EngineUnderTestRequest, EngineUnderTestResult, ModelId } from "../../src/index.ts";

/** One OpenAI chat completion to send to a gateway. */
export interface ChatCall {
  /** `http://127.0.0.1:8787/v1`: the gateway's OpenAI base URL. */
  readonly baseURL: string;
  readonly headers: Readonly<Record<string, string>>;
  /** What goes in the body's `model` (a gateway maps it through its own config). */
  readonly model: string;
  readonly request: EngineUnderTestRequest;
  /** The model id (`provider/model`) the answer came from, from the response's headers and `model` field. */
  readonly servedBy: (response: Response, reportedModel: string | null) => string;
  /** Attempts the gateway says it made (its own report; the fleet's record is the ground truth). */
  readonly attempts: (response: Response) => number;
}

/** A gateway's refusal or failure, with its status and the error it gave (as the caller would see it). */
export class GatewayError extends Error {
  override readonly name = "GatewayError";
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

function messagesOf(prompt: EngineUnderTestRequest["prompt"]): { role: string; content: string }[] {
  return typeof prompt === "string"
    ? [{ role: "user", content: prompt }]
    : prompt.map((m) => ({ role: m.role, content: m.content }));
}

function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const error = parsed.error;
    if (typeof error === "string") return error;
    if (typeof error?.message === "string") return error.message;
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // Not JSON: the body itself, shortened.
  }
  return body.slice(0, 300);
}

/**
 * Sends one request as an OpenAI chat completion (streamed as SSE when the request streams) and reads the
 * answer the way a strict client would: a non-2xx status, an error event, a `content_filter` finish, or a
 * stream that ends with neither a `finish_reason` nor `[DONE]` rejects; streamed text is passed on as it
 * arrives.
 */
export async function sendChat(call: ChatCall): Promise<EngineUnderTestResult> {
  const { request } = call;
  const response = await fetch(`${call.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...call.headers },
    body: JSON.stringify({ model: call.model, messages: messagesOf(request.prompt), stream: request.stream }),
    ...(request.signal ? { signal: request.signal } : {}),
  });
  if (!response.ok) {
    const body = await response.text();
    throw new GatewayError(`the gateway answered ${response.status}: ${errorText(body)}`, response.status);
  }
  if (!request.stream) {
    const body = (await response.json()) as {
      model?: unknown;
      choices?: { message?: { content?: unknown }; finish_reason?: unknown }[];
    };
    rejectFiltered(body.choices?.[0]?.finish_reason);
    const text = body.choices?.[0]?.message?.content;
    if (typeof text !== "string") throw new GatewayError("the gateway's answer has no message content", 200);
    const reported = typeof body.model === "string" ? body.model : null;
    return { model: call.servedBy(response, reported), text, attempts: call.attempts(response) };
  }
  return readStream(response, call);
}

/** A `content_filter` finish is a filtered answer, not a success (the AI SDK reports it as `content-filter`). */
function rejectFiltered(finishReason: unknown): void {
  if (finishReason === "content_filter")
    throw new GatewayError(
      "the gateway's answer was stopped by a content filter (finish_reason content_filter)",
      200,
    );
}

async function readStream(response: Response, call: ChatCall): Promise<EngineUnderTestResult> {
  if (response.body === null) throw new GatewayError("the gateway's stream has no body", response.status);
  const decoder = new TextDecoder();
  let buffer = "";
  let text = "";
  let reported: string | null = null;
  // Complete once a chunk carried a finish_reason or `[DONE]` arrived: the AI SDK needs only the former
  // (reference/providers.md: it skips `[DONE]` and does not require it), openai-node stops at the latter.
  let done = false;
  const handle = (data: string): void => {
    if (data === "[DONE]") {
      done = true;
      return;
    }
    const event = JSON.parse(data) as {
      model?: unknown;
      error?: unknown;
      choices?: { delta?: { content?: unknown }; finish_reason?: unknown }[];
    };
    if (event.error !== undefined)
      throw new GatewayError(`the gateway's stream carried an error: ${data}`, 200);
    if (typeof event.model === "string" && event.model !== "") reported = event.model;
    const finishReason = event.choices?.[0]?.finish_reason;
    rejectFiltered(finishReason);
    if (finishReason !== undefined && finishReason !== null) done = true;
    const piece = event.choices?.[0]?.delta?.content;
    if (typeof piece === "string" && piece !== "") {
      text += piece;
      const model = call.servedBy(response, reported);
      call.request.onDelta?.({ type: "text", text: piece, model: model as ModelId });
    }
  };
  const reader = response.body.getReader();
  for (;;) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of frame.split("\n")) if (line.startsWith("data:")) handle(line.slice(5).trim());
      end = buffer.indexOf("\n\n");
    }
  }
  if (!done)
    throw new GatewayError(
      "the gateway's stream ended without a finish_reason or [DONE]: a truncated answer",
      200,
    );
  return { model: call.servedBy(response, reported), text, attempts: call.attempts(response) };
}

/**
 * The configured model id a gateway's `model` field names: itself when it is a configured id, else the
 * configured id whose name (after the provider) it is, when exactly one is; else as reported.
 */
export function configuredModel(reported: string, configured: readonly string[]): string {
  if (configured.includes(reported)) return reported;
  const named = configured.filter((id) => id.slice(id.indexOf("/") + 1) === reported);
  return named.length === 1 && named[0] !== undefined ? named[0] : reported;
}
