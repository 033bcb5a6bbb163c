import type { ModelCaller, ModelCallPart } from "../../../src/index.ts";
import { defectEngine } from "../kit/defect-engine.ts";

/** What `Number(value)` accepts as seconds: the only form of `retry-after` this engine understands. */
const SECONDS = /^\s*\d+(?:\.\d+)?\s*$/;

/**
 * The error as this engine's classifier sees it: a `retry-after` it cannot read as a number (an HTTP
 * date) is gone, as if parsed with `Number()` and dropped as NaN. The provider's response is untouched.
 */
function withoutDateRetryAfter(error: unknown): unknown {
  if (typeof error !== "object" || error === null || !("responseHeaders" in error)) return error;
  const headers = (error as { responseHeaders?: unknown }).responseHeaders;
  if (typeof headers !== "object" || headers === null) return error;
  const kept = Object.fromEntries(
    Object.entries(headers).filter(
      ([name, value]) =>
        name.toLowerCase() !== "retry-after" || (typeof value === "string" && SECONDS.test(value)),
    ),
  );
  // Mutated in place: the AI SDK's APICallError keeps its class and every other field.
  (error as { responseHeaders: Record<string, unknown> }).responseHeaders = kept;
  return error;
}

async function* stripping(parts: AsyncIterable<ModelCallPart>): AsyncIterable<ModelCallPart> {
  try {
    for await (const part of parts)
      yield part.type === "error" ? { type: "error", error: withoutDateRetryAfter(part.error) } : part;
  } catch (error) {
    throw withoutDateRetryAfter(error);
  }
}

/**
 * Planted defect: ignores an HTTP-date Retry-After. The engine reads `retry-after` as a number of seconds
 * only, so "Thu, 01 Jan 2026 00:00:07 GMT" counts as no Retry-After: it audits `retry_after_ms: null` and
 * comes back after its own ~2 s backoff (SPEC §3 reads the date form too). Its audit agrees with itself, so
 * only the fleet's record of what it sent (and the no-hammer expectation) can catch it.
 */
export default defectEngine({
  name: "defect-ignores-http-date-retry-after",
  caller: (caller): ModelCaller => ({ call: (request) => stripping(caller.call(request)) }),
});
