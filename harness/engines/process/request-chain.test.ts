import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, type EngineConfig, type ModelId } from "../../../src/index.ts";
import { requestChain } from "./request-chain.ts";

const m = (id: string): ModelId => id as ModelId;
const A = m("openai/gpt-4.1");
const B = m("anthropic/claude-sonnet-4");
const C = m("google/gemini-2.5-pro");

const config: EngineConfig = {
  model: A,
  agent: { plan: { models: [C, B] } },
  fallback: DEFAULT_SETTINGS,
  chains: { default: [A, B] },
};

describe("requestChain", () => {
  it("resolves the default agent's chain, primary first", () => {
    expect(requestChain(config, { agent: "build" })).toEqual({ chain: [A, B], primary: A });
  });

  it("takes an agent's own models, led by the configured primary", () => {
    expect(requestChain(config, { agent: "plan" })).toEqual({ chain: [A, C, B], primary: A });
  });

  it("puts a requested model first, ahead of the configured chain", () => {
    expect(requestChain(config, { agent: "build", model: C })).toEqual({ chain: [C, A, B], primary: C });
  });

  it("rejects a malformed model id with a TypeError that names it", () => {
    expect(() => requestChain(config, { agent: "build", model: "gpt-4.1" })).toThrow(
      new TypeError('"gpt-4.1" is not a model id. Use provider/model.'),
    );
  });

  it("rejects a request no model is configured for", () => {
    const bare: EngineConfig = { agent: {}, fallback: DEFAULT_SETTINGS, chains: {} };
    expect(() => requestChain(bare, { agent: "build" })).toThrow(/no model configured for agent "build"/);
  });
});
