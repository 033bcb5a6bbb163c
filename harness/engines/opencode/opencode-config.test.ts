import { describe, expect, it } from "vitest";
import { opencodeConfig, splitModelId, type OpencodeConfigInput } from "./opencode-config.ts";

const endpoints = {
  openai: { baseURL: "http://127.0.0.1:4010/openai/v1", apiKey: "fleet-openai-key" },
  anthropic: { baseURL: "http://127.0.0.1:4010/anthropic/v1", apiKey: "fleet-anthropic-key" },
  openrouter: { baseURL: "http://127.0.0.1:4010/openrouter/api/v1", apiKey: "fleet-openrouter-key" },
};

const input = (over: Partial<OpencodeConfigInput> = {}): OpencodeConfigInput => ({
  models: ["openai/gpt-4.1", "anthropic/claude-sonnet-4-5"],
  endpoints,
  headerTimeoutMs: 60_000,
  chunkTimeoutMs: 30_000,
  compaction: false,
  ...over,
});

describe("opencodeConfig", () => {
  it("points every provider of the chain at the fleet, openai through the bundled openai-compatible SDK", () => {
    const config = opencodeConfig(input());
    expect(config.provider.openai).toEqual({
      npm: "@ai-sdk/openai-compatible",
      name: "fleet openai",
      options: {
        baseURL: "http://127.0.0.1:4010/openai/v1",
        apiKey: "fleet-openai-key",
        headerTimeout: 60_000,
        chunkTimeout: 30_000,
      },
      models: { "gpt-4.1": { name: "gpt-4.1", status: "active" } },
    });
    // Anthropic keeps OpenCode's built-in SDK (its own wire), only the base URL and key change.
    expect(config.provider.anthropic?.npm).toBeUndefined();
    expect(config.provider.anthropic?.options.baseURL).toBe("http://127.0.0.1:4010/anthropic/v1");
    expect(config.enabled_providers).toEqual(["openai", "anthropic"]);
  });

  it("makes the chain's first model the default and the small model, so nothing names a model off the fleet", () => {
    const config = opencodeConfig(input());
    expect(config.model).toBe("openai/gpt-4.1");
    expect(config.small_model).toBe("openai/gpt-4.1");
  });

  it("turns off everything that reaches the internet or adds calls", () => {
    const config = opencodeConfig(input());
    expect(config).toMatchObject({
      autoupdate: false,
      share: "disabled",
      snapshot: false,
      lsp: false,
      formatter: false,
      tools: { "*": false },
      compaction: { auto: false },
    });
    expect(config.plugin).toBeUndefined();
  });

  it("lets OpenCode compact only when the scenario has a compaction hook, and adds plugins when given", () => {
    const config = opencodeConfig(input({ compaction: true, plugins: ["file:///x/node_modules/p"] }));
    expect(config.compaction.auto).toBe(true);
    expect(config.plugin).toEqual(["file:///x/node_modules/p"]);
  });

  it("keeps a model name that holds a slash whole (OpenRouter) and declares each model once", () => {
    const config = opencodeConfig(
      input({ models: ["openrouter/anthropic/claude-sonnet-4.5", "openrouter/anthropic/claude-sonnet-4.5"] }),
    );
    expect(config.provider.openrouter?.models).toEqual({
      "anthropic/claude-sonnet-4.5": { name: "anthropic/claude-sonnet-4.5", status: "active" },
    });
    expect(splitModelId("openrouter/anthropic/claude-sonnet-4.5")).toEqual({
      providerID: "openrouter",
      modelID: "anthropic/claude-sonnet-4.5",
    });
  });

  it("refuses a provider the fleet does not serve, and a chain with no model, naming what is missing", () => {
    expect(() => opencodeConfig(input({ models: ["mistral/large"] }))).toThrow(
      "the fleet has no endpoint for mistral (models large)",
    );
    expect(() => opencodeConfig(input({ models: [] }))).toThrow("names no model");
    expect(() => splitModelId("gpt-4.1")).toThrow('"gpt-4.1" is not a model id');
  });
});
