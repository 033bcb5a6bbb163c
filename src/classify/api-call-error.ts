import { readHeaders } from "./headers.ts";
import { addCandidate, pushMessage, splitSystemCode, type Layer } from "./layer.ts";
import { isHttpStatus, readProviderFields, type ProviderFields } from "./provider-body.ts";
import { isInstance } from "./safe-read.ts";

/**
 * The layer of an AI SDK `APICallError` of the usual shape, read by named property loads: what nearly every
 * failed attempt throws (an HTTP error status with headers and a JSON body), or wraps around its cause.
 *
 * Why: the generic reader (`readLayer`) reads some sixty properties through one guarded keyed read, a load
 * V8 can only answer from its global megamorphic cache, which the SDK's own work between two failures
 * evicts; inside a real request that cost about three times its warm-loop time. Here each load has a site of
 * its own, monomorphic on the error's hidden class.
 *
 * The result is exactly `readLayer(input)`: every property the generic reader would find on such an error
 * is read here, and every one it would find absent is checked absent. Anything else (a `status`, an `error`,
 * a finish reason, another brand, a `Response`) gives `undefined`, and so does a read that throws: the
 * generic reader, which guards each read, then reads it. Like the generic reader, this assumes a property
 * reads the same each time it is read (a getter may run again there). `cause` is the walk's business.
 */
export function readApiCallErrorLayer(input: unknown): Layer | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  try {
    return read(input as Fields);
  } catch {
    return undefined;
  }
}

/** Named loads want a record type; symbols index the AI SDK brands. */
type Fields = Record<string | symbol, unknown>;

/** The brand the AI SDK's `APICallError.isInstance` checks, and the ones that would send the walk elsewhere. */
const API_CALL = Symbol.for("vercel.ai.error.AI_APICallError");
const RETRY = Symbol.for("vercel.ai.error.AI_RetryError");
const LOAD_API_KEY = Symbol.for("vercel.ai.error.AI_LoadAPIKeyError");
const NO_SUCH_MODEL = Symbol.for("vercel.ai.error.AI_NoSuchModelError");
const JSON_PARSE = Symbol.for("vercel.ai.error.AI_JSONParseError");
const TYPE_VALIDATION = Symbol.for("vercel.ai.error.AI_TypeValidationError");
const INVALID_RESPONSE_DATA = Symbol.for("vercel.ai.error.AI_InvalidResponseDataError");
const EMPTY_RESPONSE_BODY = Symbol.for("vercel.ai.error.AI_EmptyResponseBodyError");

const NAME = "AI_APICallError";

function read(e: Fields): Layer | undefined {
  if (e.name !== NAME || e[API_CALL] !== true) return undefined;
  if (
    e[RETRY] === true ||
    e[LOAD_API_KEY] === true ||
    e[NO_SUCH_MODEL] === true ||
    e[JSON_PARSE] === true ||
    e[TYPE_VALIDATION] === true ||
    e[INVALID_RESPONSE_DATA] === true ||
    e[EMPTY_RESPONSE_BODY] === true
  )
    return undefined;
  // Read by the layer (status, body, system codes, status text) or by the error read as a body of its own.
  if (
    e.error !== undefined ||
    e.status !== undefined ||
    e.body !== undefined ||
    e.code !== undefined ||
    e.errno !== undefined ||
    e.statusText !== undefined ||
    e.type !== undefined ||
    e.details !== undefined ||
    e.innererror !== undefined ||
    e.failureReason !== undefined ||
    e.metadata !== undefined ||
    e.response !== undefined
  )
    return undefined;
  // Finish reasons reported as an error.
  if (
    e.finishReason !== undefined ||
    e.finish_reason !== undefined ||
    e.stop_reason !== undefined ||
    e.delta !== undefined ||
    e.choices !== undefined ||
    e.candidates !== undefined ||
    e.incomplete_details !== undefined ||
    e.promptFeedback !== undefined ||
    e.providerMetadata !== undefined
  )
    return undefined;
  const statusCode = e.statusCode;
  // A string status is read one way as the layer's status and another as a body code: left to the walk.
  if (statusCode !== undefined && typeof statusCode !== "number") return undefined;
  if (isInstance(e, globalThis.Response)) return undefined;
  const message = e.message;
  const headers = readHeaders(e.responseHeaders ?? e.headers);

  // Candidate bodies in the generic order: `data`, `responseBody`, then the error itself.
  const candidates: unknown[] = [];
  let bodyText = addCandidate(candidates, e.data, null);
  bodyText = addCandidate(candidates, e.responseBody, bodyText);
  let parsedBody: unknown = undefined;
  const own = ownFields(statusCode, message);
  const bodies: ProviderFields[] = [];
  for (const candidate of candidates) {
    if (candidate === e) {
      bodies.push(own);
    } else {
      parsedBody ??= candidate;
      bodies.push(splitSystemCode(readProviderFields(candidate)));
    }
  }
  bodies.push(own);

  const messages: string[] = [];
  pushMessage(messages, typeof message === "string" ? message : undefined);
  for (const fields of bodies) for (const text of fields.messages) pushMessage(messages, text);

  return {
    names: [NAME, NAME],
    statuses: isHttpStatus(statusCode) ? [statusCode] : [],
    headers,
    bodies,
    parsedBody,
    bodyText,
    systemCodes: [],
    messages,
    finishReasons: [],
    streamFailure: null,
    retryReason: null,
  };
}

/**
 * The error read as a provider body, as `readProviderFields` reads it when `code`, `type`, `status`,
 * `details`, `innererror`, `failureReason`, `metadata`, `error` and `response` are absent: its status twice
 * (as the body's `statusCode` and the inner object's, the same object here) and its message.
 */
function ownFields(statusCode: number | undefined, message: unknown): ProviderFields {
  return {
    code: null,
    type: null,
    status: null,
    httpCodes: isHttpStatus(statusCode) ? [statusCode, statusCode] : [],
    detailCodes: [],
    quotaIds: [],
    moderation: false,
    messages: typeof message === "string" && message.length > 0 ? [message] : [],
  };
}
