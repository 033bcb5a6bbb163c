import { isArray, isBag, read, readItems, readKeys, readNumber, readString } from "./safe-read.ts";

/**
 * The fields of one provider error body that classification reads. Bodies come in many shapes
 * (reference/providers.md §2–§7); this flattens them:
 * - OpenAI / Azure / Groq: `{error:{message,type,param,code}}` (Azure adds `status`, `innererror`)
 * - OpenAI chat stream part as the AI SDK surfaces it: the raw `{message,type,param,code}`
 * - Responses: `{type:"error", error:{type,code,message}}`, flat `{type:"error",code,message}`,
 *   `{type:"response.failed", response:{error:{code,message}}}`, or the SDK's `{message,type,code,statusCode,…}`
 * - Anthropic: `{type:"error", error:{type,message,details?:{error_code}}}` or the bare `{type,message}`
 * - Gemini: `{error:{code:<number>,message,status,details:[…]}}`
 * - OpenRouter: `{error:{code:<number = HTTP status>,message,metadata?}}`
 * - Mistral: flat `{object:"error",message,type,code}`
 */
export interface ProviderFields {
  /** A string `code` that is not a numeric status (`insufficient_quota`, `content_filter`). */
  readonly code: string | null;
  /** The error `type` (`rate_limit_error`, `server_error`), never the envelope's `"error"`. */
  readonly type: string | null;
  /** Gemini's canonical status string (`RESOURCE_EXHAUSTED`). */
  readonly status: string | null;
  /** Numeric HTTP statuses found in the body (`code: 429`, `"code": "429"`, `status: 400`, `statusCode`). */
  readonly httpCodes: readonly number[];
  /** Finer codes: Anthropic `details.error_code`, Gemini `ErrorInfo.reason`, Azure `innererror.code`. */
  readonly detailCodes: readonly string[];
  /** Gemini `QuotaFailure` violation quota ids (`GenerateRequestsPerDayPerProjectPerModel-FreeTier`). */
  readonly quotaIds: readonly string[];
  /** OpenRouter moderation metadata (`metadata.reasons` or `metadata.flagged_input`) is present. */
  readonly moderation: boolean;
  /** Human-readable messages found. */
  readonly messages: readonly string[];
}

/** True for a value that could be an HTTP status. */
export function isHttpStatus(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 100 && value <= 599;
}

/**
 * Reads the provider error fields of a parsed body; an unrecognised value gives empty fields.
 *
 * An object is read by named property loads first (`readByName`): a body parsed from JSON has no getters,
 * and each load site then stays monomorphic on the provider's body shape, where one guarded keyed read for
 * every field goes through V8's megamorphic cache, which the SDK's work between two failures evicts. A read
 * that throws (a hostile getter or proxy) sends the value to the guarded reader, which gives the same fields
 * whenever a property reads the same each time.
 */
export function readProviderFields(body: unknown): ProviderFields {
  if (typeof body === "object" && body !== null) {
    try {
      return readByName(body as Fields);
    } catch {
      // Read again below, every property behind its own guard.
    }
  }
  return readProviderFieldsGuarded(body);
}

/** Named loads want a record type. */
type Fields = Record<string, unknown>;

/** `readProviderFieldsGuarded` for an object, by named loads; may throw where that guards. */
function readByName(body: Fields): ProviderFields {
  const envelopeError = body.error;
  const response = body.response;
  const failedResponseError = isBag(response) ? (response as Fields).error : undefined;
  const inner = (
    isBag(envelopeError) && !isArray(envelopeError)
      ? envelopeError
      : isBag(failedResponseError)
        ? failedResponseError
        : body
  ) as Fields;

  const rawCode = inner.code;
  const type = inner.type;
  const rawType = typeof type === "string" ? type : undefined;
  const rawStatus = inner.status;
  const httpCodes: number[] = [];
  pushHttpCode(httpCodes, rawCode);
  pushHttpCode(httpCodes, rawStatus);
  pushHttpCode(httpCodes, body.statusCode);
  pushHttpCode(httpCodes, inner.statusCode);

  const messages: string[] = [];
  const innerMessage = inner.message;
  pushDistinct(messages, typeof innerMessage === "string" ? innerMessage : undefined);
  pushDistinct(messages, typeof envelopeError === "string" ? envelopeError : undefined);
  const bodyMessage = body.message;
  pushDistinct(messages, typeof bodyMessage === "string" ? bodyMessage : undefined);

  // The rarer parts are read by the guarded helpers, and only when their field is there at all.
  const details = inner.details;
  const metadata = inner.metadata;
  const detailed =
    details !== undefined || inner.innererror !== undefined || body.failureReason !== undefined;
  return {
    code: typeof rawCode === "string" && !/^\d+$/.test(rawCode) && rawCode.length > 0 ? rawCode : null,
    type: rawType !== undefined && rawType !== "error" && rawType.length > 0 ? rawType : null,
    status: typeof rawStatus === "string" && rawStatus.length > 0 ? rawStatus : null,
    httpCodes,
    detailCodes: detailed ? readDetailCodes(inner, body) : [],
    quotaIds: details === undefined ? [] : readQuotaIds(inner),
    moderation: metadata !== undefined && hasModerationMetadata(metadata),
    messages,
  };
}

/** `readProviderFields` with every property read behind its own guard. */
export function readProviderFieldsGuarded(body: unknown): ProviderFields {
  const envelopeError = read(body, "error");
  const failedResponseError = read(read(body, "response"), "error");
  const inner =
    isBag(envelopeError) && !isArray(envelopeError)
      ? envelopeError
      : isBag(failedResponseError)
        ? failedResponseError
        : body;

  const rawCode = read(inner, "code");
  const rawType = readString(inner, "type");
  const rawStatus = read(inner, "status");
  const httpCodes: number[] = [];
  pushHttpCode(httpCodes, rawCode);
  pushHttpCode(httpCodes, rawStatus);
  pushHttpCode(httpCodes, read(body, "statusCode"));
  pushHttpCode(httpCodes, read(inner, "statusCode"));

  // Distinct non-empty messages, in this order (the same text twice is one message).
  const messages: string[] = [];
  pushDistinct(messages, readString(inner, "message"));
  pushDistinct(messages, typeof envelopeError === "string" ? envelopeError : undefined);
  pushDistinct(messages, readString(body, "message"));

  return {
    code: typeof rawCode === "string" && !/^\d+$/.test(rawCode) && rawCode.length > 0 ? rawCode : null,
    type: rawType !== undefined && rawType !== "error" && rawType.length > 0 ? rawType : null,
    status: typeof rawStatus === "string" && rawStatus.length > 0 ? rawStatus : null,
    httpCodes,
    detailCodes: readDetailCodes(inner, body),
    quotaIds: readQuotaIds(inner),
    moderation: hasModerationMetadata(read(inner, "metadata")),
    messages,
  };
}

/** An HTTP status given as a number or as three digits in a string. */
function pushHttpCode(out: number[], v: unknown): void {
  const n = typeof v === "string" && /^\d{3}$/.test(v) ? Number(v) : v;
  if (isHttpStatus(n)) out.push(n);
}

function pushDistinct(out: string[], v: string | undefined): void {
  if (v !== undefined && v.length > 0 && !out.includes(v)) out.push(v);
}

function readDetailCodes(inner: unknown, body: unknown): string[] {
  const codes: string[] = [];
  const details = read(inner, "details");
  pushText(codes, read(details, "error_code")); // Anthropic: error.details.error_code ("enforced_spend_limit_reached")
  for (const detail of readItems(details, 20)) pushText(codes, read(detail, "reason")); // Gemini ErrorInfo.reason
  pushText(codes, read(read(inner, "innererror"), "code")); // Azure: "ResponsibleAIPolicyViolation"
  pushText(codes, read(body, "failureReason")); // newest AI SDK stream errors: "context-length-exceeded"
  return codes;
}

/** Appends `v` when it is a non-empty string (a module function: a closure per call is allocation per failure). */
function pushText(out: string[], v: unknown): void {
  if (typeof v === "string" && v.length > 0) out.push(v);
}

function readQuotaIds(inner: unknown): string[] {
  const ids: string[] = [];
  for (const detail of readItems(read(inner, "details"), 20)) {
    for (const violation of readItems(read(detail, "violations"), 20)) {
      const id = readString(violation, "quotaId");
      if (id !== undefined) ids.push(id);
    }
  }
  return ids;
}

/** OpenRouter's moderation 403: `metadata: {reasons: [...], flagged_input: "...", provider_name, model_slug}`. */
function hasModerationMetadata(metadata: unknown): boolean {
  if (!isBag(metadata)) return false;
  const reasons = read(metadata, "reasons");
  const flagged = read(metadata, "flagged_input");
  return (
    (isArray(reasons) && (readNumber(reasons, "length") ?? 0) > 0) ||
    (typeof flagged === "string" && flagged.length > 0)
  );
}

/** Values that name a content-filter stop (AI SDK unified, OpenAI, Gemini, Anthropic). */
const FILTER_FINISH = new Set([
  "content-filter",
  "content_filter",
  "safety",
  "prohibited_content",
  "blocklist",
  "spii",
  "recitation",
  "image_safety",
  "refusal",
]);

/** True for a finish reason that means the provider filtered the content. */
export function isFilterFinishReason(reason: string): boolean {
  return FILTER_FINISH.has(reason.toLowerCase());
}

/**
 * Finish or stop reasons carried by a value reported as an error: the AI SDK's `finishReason` (string or
 * `{unified, raw}`), raw `finish_reason` / `stop_reason` (also Anthropic's `delta.stop_reason`), a chunk's `choices[0]` or `candidates[0]`,
 * Responses `incomplete_details.reason`, and Gemini's `promptFeedback.blockReason` (also inside
 * `providerMetadata.<provider>`), which is reported as `blockReason:<value>`.
 */
export function readFinishReasons(value: unknown): string[] {
  const out: string[] = [];
  const finish = read(value, "finishReason");
  pushText(out, finish);
  pushText(out, read(finish, "raw"));
  pushText(out, read(finish, "unified"));
  pushText(out, read(value, "finish_reason"));
  pushText(out, read(value, "stop_reason"));
  pushText(out, read(read(value, "delta"), "stop_reason")); // Anthropic message_delta
  pushText(out, read(readItems(read(value, "choices"), 1)[0], "finish_reason"));
  pushText(out, read(readItems(read(value, "candidates"), 1)[0], "finishReason"));
  pushText(out, read(read(value, "incomplete_details"), "reason"));
  pushText(out, read(read(read(value, "response"), "incomplete_details"), "reason"));
  const feedbacks = [read(value, "promptFeedback")];
  const metadata = read(value, "providerMetadata");
  for (const key of readKeys(metadata, 10)) feedbacks.push(read(read(metadata, key), "promptFeedback"));
  for (const feedback of feedbacks) {
    const block = readString(feedback, "blockReason");
    if (block !== undefined && block !== "BLOCK_REASON_UNSPECIFIED") out.push(`blockReason:${block}`);
  }
  return out;
}
