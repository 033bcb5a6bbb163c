import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, parseConfig, type EngineConfig } from "../../../src/index.ts";
import {
  agentSlot,
  OMO_CANNOT_EXPRESS,
  OMO_MIGRATIONS,
  omoDocument,
  omoJsonc,
  runtimeFallbackConfig,
} from "./omo-config.ts";
import { slotChains } from "./omo-engine.ts";

const A = "openai/gpt-4.1";
const B = "anthropic/claude-sonnet-4-5";
const C = "openrouter/anthropic/claude-sonnet-4.5";

function config(raw: unknown): EngineConfig {
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error(`test config invalid: ${JSON.stringify(parsed)}`);
  return parsed.config;
}

describe("omoDocument", () => {
  it("puts the chain in the [opencode] block as the agent's model and fallback_models, in chain order", () => {
    const document = omoDocument([{ slot: "build", chain: [A, B, C] }], DEFAULT_SETTINGS);
    expect(document["[opencode]"].agents).toEqual({ build: { model: A, fallback_models: [B, C] } });
    expect(document["[opencode]"].runtime_fallback.enabled).toBe(true);
    expect(document["[opencode]"].runtime_fallback.max_fallback_attempts).toBe(2);
  });

  it("has only the top-level keys 4.19.4's strict schema accepts, every migration marked done", () => {
    // Anything else at the top level makes the whole file invalid and runtime_fallback silently off.
    const document = omoDocument([{ slot: "build", chain: [A, B] }], DEFAULT_SETTINGS);
    expect(Object.keys(document).sort()).toEqual(["[opencode]", "_migrations"]);
    expect(document._migrations).toEqual(OMO_MIGRATIONS);
    expect(document._migrations).toContain("2026-08-reasoning-unification");
  });

  it("turns telemetry, auto-update and the remote MCP servers off", () => {
    const block = omoDocument([{ slot: "build", chain: [A, B] }], DEFAULT_SETTINGS)["[opencode]"];
    expect(block.telemetry).toBe(false);
    expect(block.auto_update).toBe(false);
    expect([...block.disabled_mcps].sort()).toEqual(["context7", "grep_app", "websearch"]);
  });

  it("keeps the first chain given for a slot (the default agent's), ignoring later agents on it", () => {
    const document = omoDocument(
      [
        { slot: "build", chain: [A, B] },
        { slot: "build", chain: [C] },
        { slot: "plan", chain: [B, A] },
      ],
      DEFAULT_SETTINGS,
    );
    expect(document["[opencode]"].agents).toEqual({
      build: { model: A, fallback_models: [B] },
      plan: { model: B, fallback_models: [A] },
    });
  });

  it("refuses an empty chain with a message naming the agent", () => {
    expect(() => omoDocument([{ slot: "oracle", chain: [] }], DEFAULT_SETTINGS)).toThrow(/"oracle" is empty/);
  });

  it("writes JSONC whose data is the document", () => {
    const document = omoDocument([{ slot: "build", chain: [A, B] }], DEFAULT_SETTINGS);
    const text = omoJsonc(document);
    expect(text.startsWith("// ")).toBe(true);
    expect(JSON.parse(text.slice(text.indexOf("\n") + 1))).toEqual(document);
  });
});

describe("runtimeFallbackConfig", () => {
  it("translates the settings runtime_fallback has a counterpart for", () => {
    const settings = {
      ...DEFAULT_SETTINGS,
      ttft_timeout_ms: 12_500,
      circuit_breaker: { ...DEFAULT_SETTINGS.circuit_breaker, cooldown_ms: 90_000 },
    };
    expect(runtimeFallbackConfig(settings, 3)).toEqual({
      enabled: true,
      retry_on_errors: [401, 402, 403, 404, 408, 429, 500, 502, 503, 504, 529],
      max_fallback_attempts: 2,
      cooldown_seconds: 90,
      timeout_seconds: 13,
      notify_on_fallback: false,
      restore_primary_after_cooldown: false,
    });
  });

  it("never falls back on a 400 (overflow, content policy and bad requests end the request)", () => {
    expect(runtimeFallbackConfig(DEFAULT_SETTINGS, 2).retry_on_errors).not.toContain(400);
  });

  it("is off when fallback is disabled or the chain has one model", () => {
    expect(runtimeFallbackConfig({ ...DEFAULT_SETTINGS, enabled: false }, 3).enabled).toBe(false);
    expect(runtimeFallbackConfig(DEFAULT_SETTINGS, 1).enabled).toBe(false);
  });

  it("keeps max_fallback_attempts within the 1–20 its schema allows", () => {
    expect(runtimeFallbackConfig(DEFAULT_SETTINGS, 1).max_fallback_attempts).toBe(1);
    expect(runtimeFallbackConfig(DEFAULT_SETTINGS, 30).max_fallback_attempts).toBe(20);
  });
});

describe("agentSlot and slotChains", () => {
  it("sends a request as the OpenCode agent of its name when runtime_fallback knows it, else as build", () => {
    expect(agentSlot("build")).toBe("build");
    expect(agentSlot("Oracle")).toBe("oracle");
    expect(agentSlot("coder")).toBe("build");
  });

  it("resolves the default chain for build and each configured agent's chain for its slot", () => {
    const slots = slotChains(
      config({
        model: A,
        fallback: { chains: { default: [A, B] } },
        agent: { plan: { model: B, models: [B, C] } },
      }),
    );
    expect(slots).toEqual([
      { slot: "build", chain: [A, B] },
      { slot: "plan", chain: [B, C] },
    ]);
  });
});

describe("OMO_CANNOT_EXPRESS", () => {
  it("declares the breaker and the retry policy, and claims fallback itself", () => {
    expect(Object.keys(OMO_CANNOT_EXPRESS).sort()).toEqual(["breaker", "retries"]);
    expect(OMO_CANNOT_EXPRESS.fallback).toBeUndefined();
  });
});
