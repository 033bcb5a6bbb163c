import { NO_HEADERS, readHeaders, type HeaderMap } from "./headers.ts";
import { isHttpStatus, readFinishReasons, readProviderFields, type ProviderFields } from "./provider-body.ts";
import {
  hasAiSdkMarker,
  isBag,
  isInstance,
  parseJson,
  preview,
  read,
  readItems,
  readString,
} from "./safe-read.ts";
import { isStreamFailureError, type StreamFailureReason } from "./stream-failure.ts";

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

/** AI SDK classes recognised by their brand symbol, so subclasses and renamed copies still count. */
const AI_SDK_BRANDS = [
  "AI_APICallError",
  "AI_RetryError",
  "AI_LoadAPIKeyError",
  "AI_NoSuchModelError",
  "AI_JSONParseError",
  "AI_TypeValidationError",
  "AI_InvalidResponseDataError",
  "AI_EmptyResponseBodyError",
] as const;

/** Node, undici, Bun and TLS codes look like `ECONNRESET`, `UND_ERR_SOCKET`, `ERR_TLS_…`, `CERT_…`. */
const SYSTEM_CODE =
  /^(?:E[A-Z0-9_]{2,}|UND_ERR_[A-Z_]+|ERR_[A-Z0-9_]+|CERT_[A-Z_]+|UNABLE_TO_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH|ConnectionRefused|ConnectionClosed|FailedToOpenSocket)$/;

/** True for a code that names a system/network failure rather than a provider's error. */
export function isSystemCode(code: string): boolean {
  return SYSTEM_CODE.test(code);
}

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

/** One step of the chain, read into plain data. */
interface Layer {
  readonly names: string[];
  readonly statuses: number[];
  readonly headers: HeaderMap;
  readonly bodies: ProviderFields[];
  readonly parsedBody: unknown;
  readonly bodyText: string | null;
  readonly systemCodes: string[];
  readonly messages: string[];
  readonly finishReasons: string[];
  readonly streamFailure: StreamFailureReason | null;
  readonly retryReason: string | null;
}

/** Reads the signals of any value. Never throws. */
export function readSignals(input: unknown): Signals {
  const layers: Layer[] = [];
  for (const layer of walk(input)) layers.push(readLayer(layer));
  if (typeof input === "string") layers.unshift(stringLayer(input));
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

function isRetryError(value: unknown): boolean {
  return hasAiSdkMarker(value, "AI_RetryError") || read(value, "name") === "AI_RetryError";
}

function readLayer(layer: unknown): Layer {
  const ownName = readString(layer, "name");
  const isError = isInstance(layer, Error) || typeof ownName === "string";
  // Plain loops and pushes, no intermediate arrays: this runs on every layer of every failed attempt.
  const names: string[] = [];
  if (ownName !== undefined && ownName.length > 0) names.push(ownName);
  for (const brand of AI_SDK_BRANDS) if (hasAiSdkMarker(layer, brand)) names.push(brand);

  const statuses: number[] = [];
  pushStatus(statuses, read(layer, "statusCode"));
  pushStatus(statuses, read(layer, "status"));
  const headers = readHeaders(read(layer, "responseHeaders") ?? read(layer, "headers"));

  // Candidate bodies: AI SDK `data` (parsed) and `responseBody` (text); a raw response's `body`; a
  // TypeValidationError's `value`, the body that failed the success schema (an error inside a 200); an SDK
  // error's `error` (openai-node keeps the body's `error` object there); and a plain object is itself a body.
  const candidates: unknown[] = [];
  let bodyText = addCandidate(candidates, read(layer, "data"), null);
  bodyText = addCandidate(candidates, read(layer, "responseBody"), bodyText);
  bodyText = addCandidate(candidates, read(layer, "body"), bodyText);
  if (names.includes("AI_TypeValidationError"))
    bodyText = addCandidate(candidates, read(layer, "value"), bodyText);
  const sdkError = read(layer, "error");
  if (isBag(sdkError) && !isInstance(sdkError, Error)) candidates.push(sdkError);
  // A fetch `Response` is not a body: its own `type` ("default") and `status` are not provider fields.
  if (!isInstance(layer, globalThis.Response)) candidates.push(layer);
  let parsedBody: unknown = isError ? undefined : layer;
  for (const candidate of candidates) {
    if (candidate !== layer) {
      // A body of JSON `null` is no body: the layer's default stands.
      if (candidate !== null && candidate !== undefined) parsedBody = candidate;
      break;
    }
  }

  const bodies: ProviderFields[] = [];
  for (const candidate of candidates) bodies.push(splitSystemCode(readProviderFields(candidate)));
  const systemCodes: string[] = [];
  pushSystemCode(systemCodes, read(layer, "code"));
  pushSystemCode(systemCodes, read(layer, "errno"));

  // Distinct non-blank messages: the layer's own, its bodies', then its status text.
  const messages: string[] = [];
  pushMessage(messages, readString(layer, "message"));
  for (const fields of bodies) for (const message of fields.messages) pushMessage(messages, message);
  pushMessage(messages, readString(layer, "statusText"));

  return {
    names,
    statuses,
    headers,
    bodies,
    parsedBody,
    bodyText,
    systemCodes,
    messages,
    finishReasons: readFinishReasons(layer),
    streamFailure: isStreamFailureError(layer) ? layer.reason : null,
    retryReason: isRetryError(layer) ? (readString(layer, "reason") ?? null) : null,
  };
}

/**
 * Adds one candidate body of a layer: a JSON string parsed, an object as it is (a stream is not a body).
 * Returns the layer's body text: `bodyText` if already found, else this string when it is not JSON.
 */
function addCandidate(candidates: unknown[], raw: unknown, bodyText: string | null): string | null {
  if (typeof raw === "string") {
    const parsed = parseJson(raw);
    if (parsed !== undefined) candidates.push(parsed);
    else if (bodyText === null && raw.length > 0) return raw;
  } else if (isBag(raw) && !isInstance(raw, globalThis.ReadableStream)) {
    candidates.push(raw);
  }
  return bodyText;
}

function pushStatus(out: number[], value: unknown): void {
  if (isHttpStatus(value)) out.push(value);
}

function pushSystemCode(out: string[], value: unknown): void {
  if (typeof value === "string" && isSystemCode(value)) out.push(value);
}

function pushMessage(out: string[], message: string | undefined): void {
  if (message !== undefined && message.trim().length > 0 && !out.includes(message)) out.push(message);
}

/** A system code on an error (`code: "ECONNRESET"`) is a cause code, never a provider code. */
function splitSystemCode(fields: ProviderFields): ProviderFields {
  return fields.code !== null && isSystemCode(fields.code) ? { ...fields, code: null } : fields;
}

/** A thrown string may be a JSON body; otherwise it is only text. */
function stringLayer(text: string): Layer {
  const parsed = parseJson(text);
  const bodies = parsed === undefined ? [] : [readProviderFields(parsed)];
  return {
    names: [],
    statuses: [],
    headers: NO_HEADERS,
    bodies,
    parsedBody: parsed,
    bodyText: null,
    systemCodes: [],
    messages: text.trim().length > 0 ? [text, ...bodies.flatMap((b) => b.messages)] : [],
    finishReasons: parsed === undefined ? [] : readFinishReasons(parsed),
    streamFailure: null,
    retryReason: null,
  };
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
