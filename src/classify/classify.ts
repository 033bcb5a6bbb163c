import { NO_HEADERS } from "./headers.ts";
import { retryAfterFrom } from "./retry-after.ts";
import { decide } from "./rules.ts";
import { scrubMessage } from "./scrub.ts";
import { readSignals, type Signals } from "./signals.ts";
import { typeOf, type Classification, type Reason } from "./taxonomy.ts";

/** Options of `classify`. */
export interface ClassifyOptions {
  /** A Retry-After above this is not waited for and classifies as `quota_exhausted` (SPEC §4). Default 60 000. */
  readonly retry_after_cap_ms?: number | undefined;
  /**
   * Reference time for a Retry-After given as an HTTP date. When absent, the response's own `date` header is
   * used; without either, a date-valued Retry-After is ignored (there is nothing deterministic to subtract).
   */
  readonly now_ms?: number | undefined;
}

/** SPEC §2 `fallback.retry_after_cap_ms` default. */
export const DEFAULT_RETRY_AFTER_CAP_MS = 60_000;

/**
 * Classifies any failure (SPEC §3) into `{ type, reason, status, retry_after_ms, provider_code, message }`.
 *
 * Understands AI SDK errors (`APICallError`, `RetryError` via `lastError`, `LoadAPIKeyError`,
 * `NoSuchModelError`, `JSONParseError`, by brand or name so duck-typed copies work), fetch `TypeError`s and
 * their `cause` chains, Node system errors, `AbortError` / `TimeoutError`, provider stream error parts,
 * raw HTTP responses, finish reasons reported as errors, and `StreamFailureError`. Anything else is
 * `LogicError/unknown`.
 *
 * Total (never throws, whatever the input: hostile getters, proxies, cycles, huge strings), pure and
 * deterministic: the only clock it reads is `options.now_ms` or the response's own `date` header.
 */
export function classify(input: unknown, options?: ClassifyOptions): Classification {
  try {
    return classifySignals(readSignals(input), options);
  } catch {
    // Every read is already guarded; this is the last line that keeps `classify` total.
    return result("unknown", null, null, null, "Unclassifiable error value.");
  }
}

/**
 * Provider error types that only a client error carries. Real providers never send them with a 500; the AI
 * SDK does, when it turns an in-band stream error into an APICallError and has to invent a status
 * (reference/providers.md §5: Anthropic 500 for anything but `overloaded_error`).
 */
const CLIENT_ERROR_CODES = new Set([
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "not_found_error",
  "billing_error",
  "invalid_api_key",
  "model_not_found",
  "unsupported_country_region_territory",
  "deploymentnotfound",
  "content_filter",
]);

/** A 500 contradicted by the provider's own client-error type is the SDK's guess, not a signal. */
function withoutInventedStatus(signals: Signals): Signals {
  if (signals.status !== 500 || !signals.codes.some((c) => CLIENT_ERROR_CODES.has(c))) return signals;
  return { ...signals, status: null };
}

function classifySignals(raw: Signals, options: ClassifyOptions | undefined): Classification {
  const signals = withoutInventedStatus(raw);
  const capMs = validCap(options?.retry_after_cap_ms);
  const retryAfterMs = retryAfter(signals, referenceTime(signals, options?.now_ms));
  const rule = decide({ signals, retryAfterMs, capMs });
  const providerCode =
    signals.providerCode ?? signals.detailCodes[0] ?? signals.providerType ?? signals.providerStatus;
  return result(rule?.reason ?? "unknown", signals.status, retryAfterMs, providerCode, signals.message);
}

function result(
  reason: Reason,
  status: number | null,
  retryAfterMs: number | null,
  providerCode: string | null,
  message: string,
): Classification {
  return new LazyMessageClassification(reason, status, retryAfterMs, providerCode, message);
}

/**
 * A classification whose `message` is scrubbed when first read, not here: the engine decides on the other
 * fields and reads the message only when it surfaces an error, while scrubbing runs eight patterns over up
 * to 4,000 characters on every failed attempt. The message is an own enumerable getter, last in key order,
 * so a spread, `JSON.stringify` or a deep equal see it where a plain object would have it.
 *
 * One getter shared by every instance, installed by `defineProperty`: an object literal with `get message()`
 * made a getter closure per result, which V8 keeps only in a dictionary-mode object (about 1 µs to build,
 * and every engine read of `reason` or `type` a dictionary look-up).
 */
class LazyMessageClassification implements Classification {
  readonly type: Classification["type"];
  readonly reason: Reason;
  readonly status: number | null;
  readonly retry_after_ms: number | null;
  readonly provider_code: string | null;
  declare readonly message: string;
  readonly #raw: string;
  #scrubbed: string | undefined;

  constructor(
    reason: Reason,
    status: number | null,
    retryAfterMs: number | null,
    providerCode: string | null,
    raw: string,
  ) {
    this.type = typeOf(reason);
    this.reason = reason;
    this.status = status;
    this.retry_after_ms = retryAfterMs;
    this.provider_code = providerCode;
    this.#raw = raw;
    Object.defineProperty(this, "message", SCRUBBED_MESSAGE);
  }

  static scrubbed(of: object): string {
    // The getter copied onto another object (its property descriptors taken over) finds no message there:
    // an empty one, not a TypeError from a read of a private field it lacks.
    if (!(#raw in of)) return "";
    const own = of;
    own.#scrubbed ??= scrubMessage(own.#raw);
    return own.#scrubbed;
  }
}

/** The shared descriptor: the same getter object keeps every instance on one hidden class. */
const SCRUBBED_MESSAGE: PropertyDescriptor = {
  get(this: LazyMessageClassification): string {
    return LazyMessageClassification.scrubbed(this);
  },
  enumerable: true,
  configurable: true,
};

function validCap(cap: number | undefined): number {
  return typeof cap === "number" && Number.isFinite(cap) && cap >= 0 ? cap : DEFAULT_RETRY_AFTER_CAP_MS;
}

/** `now_ms` if given, else the response's `date` header, else undefined (a date Retry-After is then ignored). */
function referenceTime(signals: Signals, nowMs: number | undefined): number | undefined {
  if (typeof nowMs === "number" && Number.isFinite(nowMs)) return nowMs;
  const date = signals.headers.get("date");
  if (date === undefined) return undefined;
  const parsed = Date.parse(date);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** Headers and body first (SPEC §3 order); then each message of the chain in turn, outermost first. */
function retryAfter(signals: Signals, nowMs: number | undefined): number | null {
  // The headers are already a normalised map: read as they are, not copied into another.
  const structured = retryAfterFrom(signals.headers, signals.body, undefined, nowMs);
  if (structured !== null) return structured;
  for (const message of signals.texts) {
    const fromText = retryAfterFrom(NO_HEADERS, undefined, message, undefined);
    if (fromText !== null) return fromText;
  }
  return null;
}
