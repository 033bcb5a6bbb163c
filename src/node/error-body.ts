/** A 200 response whose JSON body is a provider error (`{ "error": { … } }`). */
export class ErrorBodyIn200 extends Error {
  override readonly name = "ErrorBodyIn200";
  readonly status = 200;
  constructor(readonly body: unknown) {
    super("Failed to read the answer: the provider answered 200 with an error body.");
  }
}

/**
 * A 200 whose JSON body is a provider error (`{ "error": { … } }`) is that error. SDKs read it as an empty
 * answer with no finish reason (Gemini's `generateContent`) or, on a streaming call, as an SSE stream that
 * ended before its end marker, which would pass for a cut stream and be retried. The body decides, as its
 * HTTP twin would (docs/decisions.md, "A provider's error body in a 200").
 */
export function errorBodyFetch(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    const json = response.headers.get("content-type")?.includes("application/json") ?? false;
    if (response.status !== 200 || !json) return response;
    // Every non-streaming success passes here, so the body is read once and handed on as a fresh response,
    // not cloned: a clone tees the body into two streams and pumps every chunk through both.
    let bytes: ArrayBuffer;
    try {
      bytes = await response.arrayBuffer();
    } catch (error) {
      // A body cut mid-way must fail the SDK's own read with the same error, where it is classified as a
      // cut stream, not as a failed connection.
      return relay(response, erroredBody(error));
    }
    const text = UTF8.decode(bytes);
    // Parse a second time only a body that can hold an error.
    if (text.includes('"error"')) {
      const body = safeJson(text);
      if (isErrorBody(body)) throw new ErrorBodyIn200(body);
    }
    return relay(response, bytes);
  };
}

/** Decodes as `Response.text()` does (UTF-8, a leading BOM dropped, bad bytes replaced). */
const UTF8 = new TextDecoder();

/** `response` with its body replaced: same status, status text, headers and URL. */
function relay(response: Response, body: BodyInit): Response {
  const copy = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // `url` is a getter on Response (empty for a constructed one); keep what the transport reported.
  if (response.url !== "") Object.defineProperty(copy, "url", { value: response.url, enumerable: true });
  return copy;
}

/** A body whose first read fails with `error`, as the original body's read did. */
function erroredBody(error: unknown): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.error(error);
    },
  });
}

export function isErrorBody(body: unknown): boolean {
  const value: unknown = typeof body === "string" ? safeJson(body) : body;
  // A success body may carry `"error": null` (OpenAI's Responses API does).
  return (
    typeof value === "object" &&
    value !== null &&
    "error" in value &&
    typeof value.error === "object" &&
    value.error !== null
  );
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Headers as the SDK reports them (lower-case names) say JSON, the only bodies errorBodyFetch looks into. */
export function isJson(headers: Readonly<Record<string, string | undefined>> | undefined): boolean {
  return headers?.["content-type"]?.includes("application/json") ?? false;
}
