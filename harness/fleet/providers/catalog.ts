import type { FleetRequest } from "../fleet-request.ts";
import type { BodyReason, HttpReason } from "../faults.ts";
import { anthropicError, anthropicErrorResponse, anthropicHeaders } from "./anthropic.ts";
import { azureError, azureErrorResponse, azureHeaders } from "./azure.ts";
import { googleError, googleErrorResponse } from "./google.ts";
import { openaiError, openaiErrorResponse, openaiHeaders } from "./openai.ts";
import { openrouterError, openrouterErrorResponse, openrouterHeaders } from "./openrouter.ts";
import type { ErrorParams, ErrorResponder, FleetProvider, ProviderError, WireApi } from "./types.ts";

/** Where a request landed inside a provider: which API, and the model/stream the path itself names. */
export interface RouteMatch {
  readonly api: WireApi;
  /** Gemini and Azure's legacy deployment paths name the model; the others carry it in the body. */
  readonly pathModel?: string;
  /** Gemini says "stream" in the path (`:streamGenerateContent`); the others in the body. */
  readonly pathStream?: boolean;
}

/** Everything provider-specific about a mocked provider except the wire formats. */
export interface ProviderProfile {
  readonly name: FleetProvider;
  /** The fake origin served in process, e.g. `https://api.openai.fleet.test`. */
  readonly origin: string;
  /** The API root the AI SDK wants as `baseURL`, below the origin (`/v1`, `/v1beta`, `/api/v1`, `/openai/v1`). */
  readonly basePath: string;
  /** Models served unless the fleet is told otherwise. */
  readonly defaultModels: readonly string[];
  /** Where the content filter strikes by default (SPEC §3: Azure and OpenRouter refuse the prompt). */
  readonly defaultFilterMode: "output" | "prompt";
  /** The provider's error response for a SPEC §3 reason. */
  readonly errorResponse: ErrorResponder;
  /** The provider's error object for a reason, as stream error frames carry it. */
  readonly errorObject: (reason: BodyReason, params: ErrorParams) => ProviderError;
  /** Headers on every answer (request id and the like). */
  readonly headers: (requestId: string) => Record<string, string>;
  /** Headers on successful answers (rate-limit state, processing time). */
  readonly successHeaders: (requestId: string, nowMs: number) => Record<string, string>;
  /** Which API a path (the URL path below the origin) and method reach, or undefined for none. */
  route(method: string, path: string): RouteMatch | undefined;
  /** The API key the request presents, where this provider expects it. */
  apiKey(request: FleetRequest, url: URL): string | undefined;
}

const bearer = (request: FleetRequest): string | undefined =>
  /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];

const openaiLike =
  (prefix: string) =>
  (method: string, path: string): RouteMatch | undefined => {
    if (method !== "POST") return undefined;
    if (path === `${prefix}/chat/completions`) return { api: "openai-chat" };
    if (path === `${prefix}/responses`) return { api: "openai-responses" };
    return undefined;
  };

/** Go-style durations, as OpenAI's `x-ratelimit-reset-*` headers write them (`6m0s`, `12ms`). */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = (ms - minutes * 60_000) / 1000;
  const s = Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(3).replace(/0+$/, "");
  return minutes > 0 ? `${minutes}m${s}s` : `${s}s`;
}

const openaiRateHeaders = (): Record<string, string> => ({
  "x-ratelimit-limit-requests": "10000",
  "x-ratelimit-limit-tokens": "30000000",
  "x-ratelimit-remaining-requests": "9999",
  "x-ratelimit-remaining-tokens": "29999000",
  "x-ratelimit-reset-requests": "6ms",
  "x-ratelimit-reset-tokens": "2ms",
});

/** The five mocked providers. */
export const PROVIDER_PROFILES: Readonly<Record<FleetProvider, ProviderProfile>> = {
  openai: {
    name: "openai",
    origin: "https://api.openai.fleet.test",
    basePath: "/v1",
    defaultModels: [
      "gpt-4o",
      "gpt-4o-mini",
      "gpt-4.1",
      "gpt-4.1-mini",
      "gpt-5",
      "gpt-5-mini",
      "o3",
      "o4-mini",
    ],
    defaultFilterMode: "output",
    errorResponse: openaiErrorResponse,
    errorObject: openaiError,
    headers: openaiHeaders,
    successHeaders: openaiRateHeaders,
    route: openaiLike("/v1"),
    apiKey: bearer,
  },
  anthropic: {
    name: "anthropic",
    origin: "https://api.anthropic.fleet.test",
    basePath: "/v1",
    defaultModels: [
      "claude-sonnet-4-5",
      "claude-sonnet-4-5-20250929",
      "claude-opus-4-1",
      "claude-opus-4-5",
      "claude-haiku-4-5",
      "claude-3-5-haiku-latest",
    ],
    defaultFilterMode: "output",
    errorResponse: anthropicErrorResponse,
    errorObject: anthropicError,
    headers: anthropicHeaders,
    successHeaders: (_id, nowMs) => {
      const reset = new Date(nowMs + 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
      return {
        "anthropic-ratelimit-requests-limit": "4000",
        "anthropic-ratelimit-requests-remaining": "3999",
        "anthropic-ratelimit-requests-reset": reset,
        "anthropic-ratelimit-tokens-limit": "2000000",
        "anthropic-ratelimit-tokens-remaining": "1999000",
        "anthropic-ratelimit-tokens-reset": reset,
      };
    },
    route: (method, path) =>
      method === "POST" && path === "/v1/messages" ? { api: "anthropic-messages" } : undefined,
    apiKey: (request) => request.headers.get("x-api-key") ?? bearer(request),
  },
  google: {
    name: "google",
    origin: "https://generativelanguage.fleet.test",
    basePath: "/v1beta",
    defaultModels: ["gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite", "gemini-2.0-flash"],
    defaultFilterMode: "output",
    errorResponse: googleErrorResponse,
    errorObject: googleError,
    headers: () => ({}),
    successHeaders: () => ({}),
    route: (method, path) => {
      const match = /^\/v1(?:beta)?\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path);
      if (method !== "POST" || match === null) return undefined;
      return {
        api: "gemini",
        pathModel: decodeURIComponent(match[1] ?? ""),
        pathStream: match[2] === "streamGenerateContent",
      };
    },
    apiKey: (request, url) =>
      request.headers.get("x-goog-api-key") ?? url.searchParams.get("key") ?? undefined,
  },
  openrouter: {
    name: "openrouter",
    origin: "https://openrouter.fleet.test",
    basePath: "/api/v1",
    defaultModels: [
      "anthropic/claude-sonnet-4.5",
      "openai/gpt-4o",
      "openai/gpt-4o-mini",
      "google/gemini-2.5-flash",
      "meta-llama/llama-3.3-70b-instruct",
      "deepseek/deepseek-chat",
    ],
    defaultFilterMode: "prompt",
    errorResponse: openrouterErrorResponse,
    errorObject: openrouterError,
    headers: openrouterHeaders,
    successHeaders: () => ({}),
    route: (method, path) =>
      method === "POST" && path === "/api/v1/chat/completions" ? { api: "openai-chat" } : undefined,
    apiKey: bearer,
  },
  azure: {
    name: "azure",
    origin: "https://fleet.openai.azure.fleet.test",
    basePath: "/openai/v1",
    defaultModels: ["gpt-4o", "gpt-4o-mini", "gpt-4.1"],
    defaultFilterMode: "prompt",
    errorResponse: azureErrorResponse,
    errorObject: azureError,
    headers: azureHeaders,
    successHeaders: () => ({
      "x-ratelimit-remaining-requests": "999",
      "x-ratelimit-remaining-tokens": "149000",
      "x-ratelimit-limit-requests": "1000",
      "x-ratelimit-limit-tokens": "150000",
    }),
    route: (method, path) => {
      const v1 = openaiLike("/openai/v1")(method, path);
      if (v1 !== undefined) return v1;
      // The legacy deployment form, still what many clients send (reference/providers.md §7).
      const legacy = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|responses)$/.exec(path);
      if (method !== "POST" || legacy === null) return undefined;
      return {
        api: legacy[2] === "responses" ? "openai-responses" : "openai-chat",
        pathModel: decodeURIComponent(legacy[1] ?? ""),
      };
    },
    apiKey: (request) => request.headers.get("api-key") ?? bearer(request),
  },
};

/** The error response of `provider` for `reason` (one function per provider, reached by name). */
export function errorResponseOf(
  provider: FleetProvider,
  reason: HttpReason,
  params: ErrorParams,
): ReturnType<ErrorResponder> {
  return PROVIDER_PROFILES[provider].errorResponse(reason, params);
}
