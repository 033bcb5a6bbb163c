import { readApiCallErrorLayer } from "./api-call-error.ts";
import { NO_HEADERS, type HeaderMap } from "./headers.ts";
import { isRetryError, readLayer, stringLayer, type Layer } from "./layer.ts";
import type { ProviderFields } from "./provider-body.ts";
import { isBag, isInstance, preview, read, readItems } from "./safe-read.ts";
import type { StreamFailureReason } from "./stream-failure.ts";

/**
 * Everything classification looks at, read once from any input. Structured fields come first; `texts` is
 * what the text patterns may read when no structured signal decides (SPEC §3).
 */
export interface Signals {
  /** The HTTP status: the first error status (≥ 400) in the chain, else the first status at all, else null. */
  readonly status: number | null;
  /** Response headers of the first layer that has any, names lower-cased. */
  readonly headers: HeaderMap;
  /** The first parsed provider error body, for Retry-After's `RetryInfo`. */
  readonly body: unknown;
  /** A body that is not JSON (an HTML gateway page, plain text), or null. */
  readonly bodyText: string | null;
  /** The `content-type` header, lower-cased, or null. */
  readonly contentType: string | null;
  /** The provider's string error code (`insufficient_quota`). */
  readonly providerCode: string | null;
  /** The provider's error type (`overloaded_error`, `server_error`). */
  readonly providerType: string | null;
  /** Gemini's canonical status (`RESOURCE_EXHAUSTED`). */
  readonly providerStatus: string | null;
  /** Finer codes: Anthropic `details.error_code`, Gemini `ErrorInfo.reason`, Azure `innererror.code`. */
  readonly detailCodes: readonly string[];
  /** Every provider code, type and detail code in the chain, lower-cased, for table look-ups. */
  readonly codes: readonly string[];
  /** Gemini `QuotaFailure` quota ids. */
  readonly quotaIds: readonly string[];
  /** OpenRouter moderation metadata was present. */
  readonly moderation: boolean;
  /** The outermost error name (`AI_APICallError`, `TypeError`), or null. */
  readonly errorName: string | null;
  /** Every error name in the chain, including AI SDK brands recognised by marker. */
  readonly errorNames: readonly string[];
  /** Node / undici / TLS codes anywhere in the cause chain (`ECONNRESET`, `CERT_HAS_EXPIRED`). */
  readonly causeCodes: readonly string[];
  /** The message to report: the outermost non-empty one. */
  readonly message: string;
  /** Every message and non-JSON body in the chain, for text patterns. */
  readonly texts: readonly string[];
  /** The first finish reason reported as an error, or null. */
  readonly finishReason: string | null;
  /** Every finish reason found (`blockReason:<x>` for blocked prompts). */
  readonly finishReasons: readonly string[];
  /** The reason of a `StreamFailureError` in the chain, or null. */
  readonly streamFailure: StreamFailureReason | null;
  /** The AI SDK `RetryError` reason (`abort`, `maxRetriesExceeded`, …), or null. */
  readonly retryReason: string | null;
}

/** Errors wrap errors; real chains are two or three deep. The bound also ends cycles the `seen` set misses. */
const MAX_LAYERS = 10;
/** Text patterns read at most this much of each text. */
const MAX_TEXT_CHARS = 8000;

/** Gemini canonical statuses to HTTP, as the AI SDK maps them (reference/providers.md §4). */
export const GEMINI_STATUS_TO_HTTP: Readonly<Record<string, number>> = {
  CANCELLED: 499,
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  RESOURCE_EXHAUSTED: 429,
  UNIMPLEMENTED: 501,
  UNKNOWN: 500,
  INTERNAL: 500,
  DATA_LOSS: 500,
  UNAVAILABLE: 503,
};

/**
 * Reads the signals of any value. Never throws. An AI SDK `APICallError` of the usual shape, what nearly
 * every failed attempt throws or wraps, is read by named property loads (api-call-error.ts); any other
 * value, or one whose reads throw, by the generic reader. Both give the same signals.
 */
export function readSignals(input: unknown): Signals {
  const first = readApiCallErrorLayer(input);
  // Such an error with no object cause is the whole chain: the walk stops at a cause that is not an object,
  // and the fast reader found no `error` for it to go on to.
  if (first !== undefined && !isBag(read(input, "cause"))) return merge([first], input);
  const layers: Layer[] = [];
  for (const value of walk(input))
    layers.push((value === input ? first : readApiCallErrorLayer(value)) ?? readLayer(value));
  if (typeof input === "string") layers.unshift(stringLayer(input));
  return merge(layers, input);
}

/** The generic reader: every value of the chain read by `readLayer`; what `readSignals` is tested against. */
export function readSignalsByWalk(input: unknown): Signals {
  const layers: Layer[] = [];
  for (const layer of walk(input)) layers.push(readLayer(layer));
  if (typeof input === "string") layers.unshift(stringLayer(input));
  return merge(layers, input);
}

/** The signals of a chain's layers, in chain order. */
function merge(layers: readonly Layer[], input: unknown): Signals {
  // One pass over the layers and one over their bodies, with no closure or intermediate array per field:
  // this runs on every failed attempt. "First" below means the first non-null value in chain order.
  let headers: HeaderMap | null = null;
  let body: unknown = null;
  let bodyText: string | null = null;
  let streamFailure: StreamFailureReason | null = null;
  let retryReason: string | null = null;
  const bodies: ProviderFields[] = [];
  const messages: string[] = [];
  const finishReasons: string[] = [];
  // Arrays, not Sets: a chain holds a handful of names and codes, and a Set costs more to build than
  // `includes` costs over so few.
  const errorNames: string[] = [];
  const causeCodes: string[] = [];
  for (const layer of layers) {
    if (headers === null && layer.headers.size > 0) headers = layer.headers;
    if (body === null && layer.parsedBody !== undefined) body = layer.parsedBody;
    bodyText ??= layer.bodyText;
    streamFailure ??= layer.streamFailure;
    retryReason ??= layer.retryReason;
    for (const fields of layer.bodies) bodies.push(fields);
    for (const message of layer.messages) messages.push(message);
    for (const reason of layer.finishReasons) finishReasons.push(reason);
    for (const name of layer.names) pushNew(errorNames, name);
    for (const code of layer.systemCodes) pushNew(causeCodes, code);
  }
  let providerCode: string | null = null;
  let providerType: string | null = null;
  let providerStatus: string | null = null;
  let moderation = false;
  const detailCodes: string[] = [];
  const codes: string[] = [];
  const quotaIds: string[] = [];
  for (const fields of bodies) {
    providerCode ??= fields.code;
    providerType ??= fields.type;
    providerStatus ??= fields.status;
    if (fields.moderation) moderation = true;
    for (const detail of fields.detailCodes) detailCodes.push(detail);
    if (fields.code !== null) pushNew(codes, fields.code.toLowerCase());
    if (fields.type !== null) pushNew(codes, fields.type.toLowerCase());
    for (const detail of fields.detailCodes) pushNew(codes, detail.toLowerCase());
    for (const id of fields.quotaIds) quotaIds.push(id);
  }
  const found = headers ?? NO_HEADERS;
  const texts = messages.map(clip);
  if (bodyText !== null) texts.push(clip(bodyText));

  const status = pickStatus(layers, providerStatus);
  return {
    status,
    headers: found,
    body,
    bodyText,
    contentType: found.get("content-type")?.toLowerCase() ?? null,
    providerCode,
    providerType,
    providerStatus,
    detailCodes,
    codes,
    quotaIds,
    moderation,
    errorName: layers[0]?.names[0] ?? null,
    errorNames,
    causeCodes,
    message: messages[0] ?? fallbackMessage(input, status),
    texts,
    finishReason: finishReasons[0] ?? null,
    finishReasons,
    streamFailure,
    retryReason,
  };
}

function pushNew(out: string[], value: string): void {
  if (!out.includes(value)) out.push(value);
}

/** The part of a text the text patterns read. */
function clip(text: string): string {
  return text.slice(0, MAX_TEXT_CHARS);
}

/**
 * The chain of values behind an error: the value itself, then `lastError` for a RetryError (none when its
 * reason is `abort`), else `cause`,
 * else an `error` property that is itself an Error (a stream part `{type:"error", error: APICallError}`).
 */
function walk(input: unknown): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<unknown>();
  let current = input;
  while (out.length < MAX_LAYERS && isBag(current) && !seen.has(current)) {
    seen.add(current);
    out.push(current);
    current = next(current);
  }
  return out;
}

function next(layer: unknown): unknown {
  if (isRetryError(layer)) {
    // An aborted retry loop ended because the caller aborted, whatever the attempts before had failed with.
    if (read(layer, "reason") === "abort") return undefined;
    const last = read(layer, "lastError");
    if (last !== undefined) return last;
    const errors = readItems(read(layer, "errors"), 1000);
    return errors[errors.length - 1];
  }
  const cause = read(layer, "cause");
  if (cause !== undefined && cause !== null) return cause;
  const inner = read(layer, "error");
  return isInstance(inner, Error) ? inner : undefined;
}

/**
 * The HTTP status: a real error status (≥ 400) anywhere in the chain beats a 200 (an error body inside a
 * 200 response, a 429 wrapped in a connection error); else the first status at all; else Gemini's status
 * string mapped to HTTP.
 */
function pickStatus(layers: readonly Layer[], providerStatus: string | null): number | null {
  // Chain order: each layer's own statuses, then its bodies' codes.
  let first: number | null = null;
  for (const layer of layers) {
    for (const status of layer.statuses) {
      if (status >= 400) return status;
      first ??= status;
    }
    for (const fields of layer.bodies) {
      for (const status of fields.httpCodes) {
        if (status >= 400) return status;
        first ??= status;
      }
    }
  }
  const mapped = providerStatus === null ? undefined : GEMINI_STATUS_TO_HTTP[providerStatus];
  return mapped ?? first;
}

/** For inputs that carry no message: a bare `Response` says its status; anything else is previewed. */
function fallbackMessage(input: unknown, status: number | null): string {
  if (typeof input === "string") return input;
  return status === null ? preview(input) : `HTTP ${status}`;
}
