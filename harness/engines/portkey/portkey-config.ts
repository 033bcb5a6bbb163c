import type { Action, ErrorType } from "../../../src/index.ts";

/**
 * A scenario's chain as Portkey's `x-portkey-config` (its fallback strategy): one target per model, in
 * chain order, each with `custom_host` on the fleet. What Portkey can express of SPEC §3/§4 is translated;
 * the rest is not (no circuit breaker, no deadline, no per-reason actions beyond status codes).
 */
export interface PortkeyTarget {
  readonly provider: string;
  readonly api_key: string;
  readonly custom_host: string;
  readonly override_params: { readonly model: string };
  readonly retry?: {
    readonly attempts: number;
    readonly on_status_codes: readonly number[];
    readonly use_retry_after_header: boolean;
  };
}

export interface PortkeyConfig {
  readonly strategy: { readonly mode: "fallback"; readonly on_status_codes: readonly number[] };
  /**
   * Portkey 1.15.2 aborts an upstream fetch that has not answered (status and headers) by then and treats
   * it as a 408, which `on_status_codes` retries and then falls back on: SPEC §3's `ttft_timeout` as far as
   * Portkey sees it (its timer stops at the headers, so a stream that stalls later is not covered).
   */
  readonly request_timeout: number;
  readonly targets: readonly PortkeyTarget[];
}

/**
 * Statuses that move to the next target. SPEC §3 falls back on auth, not-found, timeouts, rate limits and
 * server errors; a 400 (context overflow, content policy, bad request) is not a reason to try another model
 * in Portkey's terms, so it is left out (the request fails, as §3's `fail`/`compact` end it here).
 */
export const FALLBACK_STATUSES = [401, 402, 403, 404, 408, 409, 429, 500, 502, 503, 504, 529] as const;

/**
 * Statuses retried on the same target before falling back: SPEC §3's `retry` rows that an HTTP status names,
 * i.e. rate_limit (429), overloaded (529), timeout (408, 504), bad_gateway (502) and unavailable (503).
 * 500/501 (server_error) are `fallback` in §3, so they move to the next target without a retry.
 */
export const RETRY_STATUSES = [408, 429, 502, 503, 504, 529] as const;

/** The HTTP statuses of each SPEC §3 error type: all Portkey can tell a failure by. */
const TYPE_STATUSES: Readonly<Record<ErrorType, readonly number[]>> = {
  NetworkTransient: [408, 502, 503, 504],
  ProviderRateLimit: [402, 429, 529],
  ProviderError: [401, 403, 404, 500, 501],
  LogicError: [400, 422],
  ContextLength: [413],
  NetworkPermanent: [407],
};

/**
 * The statuses Portkey retries and falls back on under a config's `fallback.actions` (SPEC §3 overrides per
 * error type): `retry` retries then falls back once the retries are spent, `fallback` and `compact` (Portkey
 * has no compaction) move on at once, `fail` does neither. Without overrides: the defaults above.
 */
export function statusRules(actions: Readonly<Partial<Record<ErrorType, Action>>> = {}): {
  readonly retry: readonly number[];
  readonly fallback: readonly number[];
} {
  const retry = new Set<number>(RETRY_STATUSES);
  const fallback = new Set<number>(FALLBACK_STATUSES);
  for (const [type, action] of Object.entries(actions) as [ErrorType, Action][]) {
    for (const status of TYPE_STATUSES[type]) {
      retry.delete(status);
      fallback.delete(status);
      if (action === "retry") retry.add(status);
      if (action !== "fail") fallback.add(status);
    }
  }
  const sorted = (set: Set<number>): number[] => [...set].sort((a, b) => a - b);
  return { retry: sorted(retry), fallback: sorted(fallback) };
}

/** Portkey's provider for a fleet provider: OpenAI-compatible ones speak `openai` to their `custom_host`. */
function portkeyProvider(provider: string): string {
  if (provider === "anthropic") return "anthropic";
  if (provider === "google") return "google";
  return "openai";
}

/**
 * The `custom_host` Portkey wants for a fleet endpoint. Portkey appends its own path to `custom_host`:
 * `/messages` (anthropic) and `/chat/completions` (openai) below a `/v1`-style root, which is the fleet's
 * baseURL as is; but Google's provider appends `/v1beta/models/<m>:generateContent` from the origin, so
 * the fleet's `<origin>/v1beta` would become `/v1beta/v1beta/…`, a path the fleet does not route.
 */
export function portkeyCustomHost(provider: string, baseURL: string): string {
  const root = baseURL.replace(/\/+$/, "");
  return provider === "google" ? root.replace(/\/v1beta$/, "") : root;
}

export function portkeyConfig(
  chain: readonly string[],
  endpoints: Readonly<Record<string, { readonly baseURL: string; readonly apiKey: string }>>,
  maxRetries: number,
  ttftTimeoutMs: number,
  actions: Readonly<Partial<Record<ErrorType, Action>>> = {},
): PortkeyConfig {
  const rules = statusRules(actions);
  return {
    strategy: { mode: "fallback", on_status_codes: rules.fallback },
    request_timeout: ttftTimeoutMs,
    targets: chain.map((id) => {
      const slash = id.indexOf("/");
      const provider = id.slice(0, slash);
      const endpoint = endpoints[provider];
      if (endpoint === undefined) throw new Error(`the fleet has no endpoint for ${provider} (model ${id})`);
      return {
        provider: portkeyProvider(provider),
        api_key: endpoint.apiKey,
        custom_host: portkeyCustomHost(provider, endpoint.baseURL),
        override_params: { model: id.slice(slash + 1) },
        ...(maxRetries > 0
          ? { retry: { attempts: maxRetries, on_status_codes: rules.retry, use_retry_after_header: true } }
          : {}),
      };
    }),
  };
}
