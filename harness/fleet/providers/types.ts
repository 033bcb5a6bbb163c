import { STATUS_CODES } from "node:http";
import type { HttpReason } from "../faults.ts";

/** The providers the fleet mocks. */
export const FLEET_PROVIDERS = ["openai", "anthropic", "google", "openrouter", "azure"] as const;

/** One mocked provider. */
export type FleetProvider = (typeof FLEET_PROVIDERS)[number];

/** True for a provider name the fleet serves. */
export function isFleetProvider(value: string): value is FleetProvider {
  return (FLEET_PROVIDERS as readonly string[]).includes(value);
}

/** The wire protocols the fleet speaks. */
export type WireApi = "openai-chat" | "openai-responses" | "anthropic-messages" | "gemini";

/** What an error body needs beyond its reason. */
export interface ErrorParams {
  /** The model part of the id, as the client sent it. */
  readonly model: string;
  /** The fleet's id for the request (also the provider's request-id header). */
  readonly requestId: string;
  /** Fleet clock, for HTTP-date Retry-After values. */
  readonly nowMs: number;
  /** Overrides the reason's status. */
  readonly status?: number;
  /** `retry-after` in seconds. */
  readonly retryAfterS?: number;
  /** `retry-after-ms`. */
  readonly retryAfterMs?: number;
  /** `retry-after` as an HTTP date at this epoch time. */
  readonly retryAfterAtMs?: number;
  /** Raw body text instead of the provider's body. */
  readonly body?: string;
  /** false: the body states no wait (no delay text, no RetryInfo). Default true. */
  readonly retryAfterInBody?: boolean;
  /** false: no `retry-after` / `retry-after-ms` header. Default true. */
  readonly retryAfterInHeaders?: boolean;
}

/** A whole HTTP response, as data. */
export interface WireResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A provider's error for one reason: its status and the object it puts under `error` (or its whole body). */
export interface ProviderError {
  readonly status: number;
  /** The provider's error object, in its own shape (`{message,type,param,code}`, `{type,message}`, …). */
  readonly error: Readonly<Record<string, unknown>>;
}

/** One function per provider: the provider's error response for a SPEC §3 reason. */
export type ErrorResponder = (reason: HttpReason, params: ErrorParams) => WireResponse;

/** The status line text for a status (529 is Anthropic's and has no standard name). */
export function statusText(status: number): string {
  if (status === 529) return "Overloaded";
  return STATUS_CODES[status] ?? "Unknown";
}

/** `retry-after` / `retry-after-ms` from the parameters (a date wins over seconds for `retry-after`). */
export function retryHeaders(params: ErrorParams): Record<string, string> {
  const headers: Record<string, string> = {};
  if (params.retryAfterInHeaders === false) return headers;
  if (params.retryAfterS !== undefined) headers["retry-after"] = formatSeconds(params.retryAfterS);
  if (params.retryAfterAtMs !== undefined)
    headers["retry-after"] = new Date(params.retryAfterAtMs).toUTCString();
  if (params.retryAfterMs !== undefined) headers["retry-after-ms"] = String(params.retryAfterMs);
  return headers;
}

function formatSeconds(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(3).replace(/0+$/, "");
}

/**
 * The wait the parameters ask for in milliseconds, for the body forms that repeat it (message text such as
 * "try again in 644ms", Gemini's RetryInfo); undefined when the body must not state it.
 */
export function retryAfterMsOf(params: ErrorParams): number | undefined {
  if (params.retryAfterInBody === false) return undefined;
  if (params.retryAfterMs !== undefined) return params.retryAfterMs;
  if (params.retryAfterAtMs !== undefined) return Math.max(0, params.retryAfterAtMs - params.nowMs);
  if (params.retryAfterS !== undefined) return params.retryAfterS * 1000;
  return undefined;
}

/** A JSON error response with the reason's status unless overridden, and the raw body override if any. */
export function jsonError(
  error: ProviderError,
  body: unknown,
  params: ErrorParams,
  extraHeaders: Record<string, string>,
): WireResponse {
  const status = params.status ?? error.status;
  const text = params.body ?? JSON.stringify(body);
  return {
    status,
    statusText: statusText(status),
    headers: { "content-type": contentTypeOf(text), ...extraHeaders, ...retryHeaders(params) },
    body: text,
  };
}

/** JSON when the text parses as JSON, HTML when it looks like a page, else plain text. */
export function contentTypeOf(text: string): string {
  try {
    JSON.parse(text);
    return "application/json";
  } catch {
    return /^\s*</.test(text) ? "text/html; charset=UTF-8" : "text/plain; charset=utf-8";
  }
}
