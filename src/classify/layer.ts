import { NO_HEADERS, readHeaders, type HeaderMap } from "./headers.ts";
import { isHttpStatus, readFinishReasons, readProviderFields, type ProviderFields } from "./provider-body.ts";
import { hasAiSdkMarker, isBag, isInstance, parseJson, read, readString } from "./safe-read.ts";
import { isStreamFailureError, type StreamFailureReason } from "./stream-failure.ts";

/*
 * One value of an error chain read into plain data (`Layer`): what `readSignals` merges, layer by layer.
 */

/** AI SDK classes recognised by their brand symbol, so subclasses and renamed copies still count. */
export const AI_SDK_BRANDS = [
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

/** One step of the chain, read into plain data. */
export interface Layer {
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

export function isRetryError(value: unknown): boolean {
  return hasAiSdkMarker(value, "AI_RetryError") || read(value, "name") === "AI_RetryError";
}

export function readLayer(layer: unknown): Layer {
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
export function addCandidate(candidates: unknown[], raw: unknown, bodyText: string | null): string | null {
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

export function pushMessage(out: string[], message: string | undefined): void {
  if (message !== undefined && message.trim().length > 0 && !out.includes(message)) out.push(message);
}

/** A system code on an error (`code: "ECONNRESET"`) is a cause code, never a provider code. */
export function splitSystemCode(fields: ProviderFields): ProviderFields {
  return fields.code !== null && isSystemCode(fields.code) ? { ...fields, code: null } : fields;
}

/** A thrown string may be a JSON body; otherwise it is only text. */
export function stringLayer(text: string): Layer {
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
