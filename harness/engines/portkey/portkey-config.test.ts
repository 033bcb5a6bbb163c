import { describe, expect, it } from "vitest";
import {
  FALLBACK_STATUSES,
  portkeyConfig,
  portkeyCustomHost,
  RETRY_STATUSES,
  statusRules,
} from "./portkey-config.ts";

// The fleet's baseURLs as the AI SDK wants them (harness/fleet/providers/catalog.ts `basePath`).
const ENDPOINTS = {
  openai: { baseURL: "http://127.0.0.1:4001/v1", apiKey: "sk-openai" },
  anthropic: { baseURL: "http://127.0.0.1:4002/v1", apiKey: "sk-ant" },
  google: { baseURL: "http://127.0.0.1:4003/v1beta", apiKey: "g-key" },
  openrouter: { baseURL: "http://127.0.0.1:4004/api/v1", apiKey: "sk-or" },
};

// Portkey 1.15.2 builds the upstream URL as `custom_host + endpoint path`; these are the paths its
// anthropic, openai and google providers append (read from the installed gateway's build).
const PORTKEY_PATH: Readonly<Record<string, string>> = {
  anthropic: "/messages",
  openai: "/chat/completions",
  google: "/v1beta/models/gemini-2.5-flash:generateContent",
};

describe("portkeyCustomHost", () => {
  it("gives Google its origin, since Portkey's google provider adds /v1beta itself", () => {
    expect(portkeyCustomHost("google", "http://127.0.0.1:4003/v1beta")).toBe("http://127.0.0.1:4003");
    expect(portkeyCustomHost("google", "http://127.0.0.1:4003/v1beta/")).toBe("http://127.0.0.1:4003");
  });

  it("keeps the /v1-style root for providers whose Portkey path is relative to it", () => {
    expect(portkeyCustomHost("anthropic", "http://127.0.0.1:4002/v1")).toBe("http://127.0.0.1:4002/v1");
    expect(portkeyCustomHost("openai", "http://127.0.0.1:4001/v1")).toBe("http://127.0.0.1:4001/v1");
    expect(portkeyCustomHost("openrouter", "http://127.0.0.1:4004/api/v1")).toBe(
      "http://127.0.0.1:4004/api/v1",
    );
  });
});

describe("portkeyConfig", () => {
  it("points every target at a URL the fleet routes, once Portkey appends its path", () => {
    const config = portkeyConfig(
      ["google/gemini-2.5-flash", "anthropic/claude-sonnet-4-5", "openai/gpt-4.1"],
      ENDPOINTS,
      2,
      60_000,
    );
    const urls = config.targets.map(
      (target) => `${target.custom_host}${PORTKEY_PATH[target.provider] ?? ""}`,
    );
    expect(urls).toEqual([
      "http://127.0.0.1:4003/v1beta/models/gemini-2.5-flash:generateContent",
      "http://127.0.0.1:4002/v1/messages",
      "http://127.0.0.1:4001/v1/chat/completions",
    ]);
    expect(config.targets.map((target) => target.override_params.model)).toEqual([
      "gemini-2.5-flash",
      "claude-sonnet-4-5",
      "gpt-4.1",
    ]);
  });

  it("retries SPEC §3's retry statuses on the same target (408, 429, 502, 503, 504, 529), honouring Retry-After", () => {
    const [target] = portkeyConfig(["anthropic/claude-sonnet-4-5"], ENDPOINTS, 3, 60_000).targets;
    expect(target?.retry).toEqual({
      attempts: 3,
      on_status_codes: [408, 429, 502, 503, 504, 529],
      use_retry_after_header: true,
    });
  });

  it("does not retry 500/501 (server_error is `fallback`) and falls back on them at once", () => {
    expect(RETRY_STATUSES).not.toContain(500);
    expect(RETRY_STATUSES).not.toContain(501);
    expect(FALLBACK_STATUSES).toContain(500);
  });

  it("falls back after the retries on every retried status", () => {
    for (const status of RETRY_STATUSES) expect(FALLBACK_STATUSES).toContain(status);
  });

  it("gives Portkey the scenario's TTFT limit as its request timeout, which its 408 then retries and falls back on", () => {
    const config = portkeyConfig(["openai/gpt-4.1", "anthropic/claude-sonnet-4-5"], ENDPOINTS, 2, 20_000);
    expect(config.request_timeout).toBe(20_000);
    expect(RETRY_STATUSES).toContain(408);
    expect(FALLBACK_STATUSES).toContain(408);
  });

  it("follows the config's fallback.actions: NetworkTransient → fallback moves on at the first 503", () => {
    const config = portkeyConfig(["openai/gpt-4.1", "anthropic/claude-sonnet-4-5"], ENDPOINTS, 3, 60_000, {
      NetworkTransient: "fallback",
    });
    expect(config.targets[0]?.retry?.on_status_codes).toEqual([429, 529]);
    expect(config.strategy.on_status_codes).toEqual(expect.arrayContaining([408, 502, 503, 504]));
  });

  it("retries a type the actions say to retry, and neither retries nor falls back on one they say to fail", () => {
    const rules = statusRules({ ProviderError: "retry", ProviderRateLimit: "fail" });
    expect(rules.retry).toEqual([401, 403, 404, 408, 500, 501, 502, 503, 504]);
    expect(rules.fallback).not.toContain(429);
    expect(rules.fallback).not.toContain(402);
    expect(rules.fallback).toEqual(expect.arrayContaining([401, 500, 503]));
    expect(statusRules()).toEqual({
      retry: [...RETRY_STATUSES],
      fallback: [...FALLBACK_STATUSES].sort((a, b) => a - b),
    });
  });

  it("sends no retry block when the scenario allows no retries", () => {
    const [target] = portkeyConfig(["openai/gpt-4.1"], ENDPOINTS, 0, 60_000).targets;
    expect(target?.retry).toBeUndefined();
  });

  it("says which provider has no fleet endpoint", () => {
    expect(() => portkeyConfig(["mistral/large"], ENDPOINTS, 1, 60_000)).toThrow(
      "the fleet has no endpoint for mistral (model mistral/large)",
    );
  });
});
