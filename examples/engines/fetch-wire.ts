import type { EngineUnderTestContext, EngineUnderTestRequest } from "fallback-harness";

// The three wire formats the fleet serves, spoken with plain fetch the way a quick integration does: the
// request each provider wants, and where the text is in a JSON answer or an SSE frame.

/** One provider call ready for fetch, and how to read text out of its answers. */
export interface WireCall {
  readonly url: string;
  readonly init: RequestInit;
  /** The text of a non-streaming answer. */
  textOf(body: unknown): string;
  /** The text in one SSE `data:` payload (already JSON-parsed), or "" for frames without text. */
  deltaOf(frame: unknown): string;
}

const at = (value: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>(
    (node, key) =>
      node !== null && typeof node === "object" ? (node as Record<string | number, unknown>)[key] : undefined,
    value,
  );
const str = (value: unknown): string => (typeof value === "string" ? value : "");

/** The request for `provider/model` on the fleet's endpoint, streaming or not. */
export function wireCall(
  model: string,
  request: EngineUnderTestRequest,
  endpoints: EngineUnderTestContext["endpoints"],
  signal: AbortSignal | undefined,
): WireCall {
  const slash = model.indexOf("/");
  const provider = model.slice(0, slash);
  const id = model.slice(slash + 1);
  const endpoint = endpoints[provider];
  if (endpoint === undefined) throw new Error(`No endpoint for provider "${provider}" (model ${model})`);
  const messages =
    typeof request.prompt === "string"
      ? [{ role: "user" as const, content: request.prompt }]
      : request.prompt;
  const post = (headers: Record<string, string>, body: unknown): RequestInit => ({
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  });
  switch (provider) {
    case "anthropic":
      return {
        url: `${endpoint.baseURL}/messages`,
        init: post(
          { "x-api-key": endpoint.apiKey, "anthropic-version": "2023-06-01" },
          { model: id, max_tokens: 1024, messages, stream: request.stream },
        ),
        textOf: (body) => str(at(body, "content", 0, "text")),
        deltaOf: (frame) => str(at(frame, "delta", "text")),
      };
    case "google": {
      const method = request.stream ? "streamGenerateContent?alt=sse" : "generateContent";
      const contents = messages.map((m) => ({
        role: m.role === "assistant" ? "model" : "user",
        parts: [{ text: m.content }],
      }));
      const textOf = (body: unknown): string => {
        const parts = at(body, "candidates", 0, "content", "parts");
        return Array.isArray(parts) ? parts.map((part) => str(at(part, "text"))).join("") : "";
      };
      return {
        url: `${endpoint.baseURL}/models/${id}:${method}`,
        init: post({ "x-goog-api-key": endpoint.apiKey }, { contents }),
        textOf,
        deltaOf: textOf,
      };
    }
    default:
      // OpenAI, OpenRouter and Azure all speak Chat Completions; Azure reads its key from `api-key`.
      return {
        url: `${endpoint.baseURL}/chat/completions`,
        init: post(
          { authorization: `Bearer ${endpoint.apiKey}`, "api-key": endpoint.apiKey },
          { model: id, messages, stream: request.stream },
        ),
        textOf: (body) => str(at(body, "choices", 0, "message", "content")),
        deltaOf: (frame) => str(at(frame, "choices", 0, "delta", "content")),
      };
  }
}

/** The JSON payloads of an SSE body's `data:` lines, as they arrive (`[DONE]` and bad JSON skipped). */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = body.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    buffer += decoder.decode(chunk.value, { stream: true });
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("data:")) continue;
      const data = line.slice(5).trim();
      if (data === "[DONE]") continue;
      try {
        yield JSON.parse(data) as unknown;
      } catch {
        // A frame we cannot read carries no text we could use.
      }
    }
  }
}
