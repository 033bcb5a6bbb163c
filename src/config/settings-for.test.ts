import { describe, it, expect } from "vitest";
import { mergeSettings, settingsFor } from "./settings-for.ts";
import { DEFAULT_SETTINGS, type EngineConfig, type FallbackOverrides } from "./settings.ts";

function configWith(agent: EngineConfig["agent"]): EngineConfig {
  const fallback = mergeSettings(DEFAULT_SETTINGS, {
    max_retries: 2,
    circuit_breaker: { failure_threshold: 4, cooldown_ms: 120_000 },
    backoff: { network: { base_ms: 500, max_ms: 10_000 } },
    actions: { ProviderError: "retry", ContextLength: "fallback" },
  });
  return { agent, fallback, chains: {} };
}

describe("settingsFor", () => {
  it("returns the global settings for an agent without overrides", () => {
    const config = configWith({ build: { models: [] } });
    expect(settingsFor(config, "build")).toEqual(config.fallback);
    expect(settingsFor(config, "unknown-agent")).toBe(config.fallback);
  });

  it("overrides a flat field and keeps every other global field", () => {
    const config = configWith({ build: { fallback: { max_retries: 0, mid_stream: "fail" } } });
    const settings = settingsFor(config, "build");
    expect(settings.max_retries).toBe(0);
    expect(settings.mid_stream).toBe("fail");
    expect(settings.deadline_ms).toBe(DEFAULT_SETTINGS.deadline_ms);
    expect(settings.circuit_breaker).toEqual(config.fallback.circuit_breaker);
  });

  it("merges circuit_breaker field by field, keeping globals the agent does not override", () => {
    const config = configWith({ build: { fallback: { circuit_breaker: { failure_threshold: 9 } } } });
    expect(settingsFor(config, "build").circuit_breaker).toEqual({
      ...DEFAULT_SETTINGS.circuit_breaker,
      failure_threshold: 9,
      cooldown_ms: 120_000,
    });
  });

  it("merges each backoff policy on its own, so overriding one family leaves the other global", () => {
    const config = configWith({ build: { fallback: { backoff: { network: { jitter: 0 } } } } });
    const { backoff } = settingsFor(config, "build");
    expect(backoff.network).toEqual({ base_ms: 500, factor: 2, max_ms: 10_000, jitter: 0 });
    expect(backoff.rate_limit).toEqual(DEFAULT_SETTINGS.backoff.rate_limit);
  });

  it("merges actions per error type", () => {
    const config = configWith({
      build: { fallback: { actions: { ProviderError: "fail", LogicError: "fallback" } } },
    });
    expect(settingsFor(config, "build").actions).toEqual({
      ProviderError: "fail",
      ContextLength: "fallback",
      LogicError: "fallback",
    });
  });

  it("does not let one agent's overrides leak into another's", () => {
    const config = configWith({ build: { fallback: { max_retries: 7 } }, plan: {} });
    expect(settingsFor(config, "build").max_retries).toBe(7);
    expect(settingsFor(config, "plan").max_retries).toBe(2);
  });

  it("treats an undefined override in a hand-built config as absent", () => {
    const overrides = { max_retries: undefined, circuit_breaker: { cooldown_ms: undefined } };
    const config = configWith({ build: { fallback: overrides as unknown as FallbackOverrides } });
    const settings = settingsFor(config, "build");
    expect(settings.max_retries).toBe(2);
    expect(settings.circuit_breaker.cooldown_ms).toBe(120_000);
  });

  it("finds no overrides for names inherited from Object.prototype", () => {
    const config = configWith({});
    expect(settingsFor(config, "constructor")).toBe(config.fallback);
    expect(settingsFor(config, "__proto__")).toBe(config.fallback);
  });
});
