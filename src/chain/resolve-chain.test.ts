import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, type AgentConfig, type EngineConfig } from "../config/settings.ts";
import type { ModelId } from "../core/model-id.ts";
import { resolveChain, type ChainSource } from "./resolve-chain.ts";

const m = (id: string): ModelId => id as ModelId;
const P = m("openai/gpt-4o");
const X = m("anthropic/claude-sonnet-4");
const Y = m("google/gemini-2.5-pro");
const Z = m("openrouter/anthropic/claude-sonnet-4.5");
const EXPLICIT = m("openai/o3");

function config(parts: {
  model?: ModelId;
  agent?: Record<string, AgentConfig>;
  chains?: Record<string, readonly ModelId[]>;
}): EngineConfig {
  return {
    ...(parts.model === undefined ? {} : { model: parts.model }),
    agent: parts.agent ?? {},
    fallback: DEFAULT_SETTINGS,
    chains: parts.chains ?? {},
  };
}

/** Every source present; each row removes the sources above it, so the next one must win. */
const ALL = {
  model: P,
  agentModels: [X, Y],
  chainsAgent: [Y, Z],
  chainsPrimary: [Z, X],
  chainsDefault: [X, Z],
};

describe("resolveChain source order (SPEC §5, DECISION_126)", () => {
  const rows: ReadonlyArray<{ without: number; source: ChainSource; chain: readonly ModelId[] }> = [
    { without: 0, source: "agent.models", chain: [P, X, Y] },
    { without: 1, source: "chains.agent", chain: [P, Y, Z] },
    { without: 2, source: "chains.primary", chain: [P, Z, X] },
    { without: 3, source: "chains.default", chain: [P, X, Z] },
    { without: 4, source: "primary", chain: [P] },
  ];
  it.each(rows)(
    "uses $source when the $without sources before it are absent",
    ({ without, source, chain }) => {
      const chains: Record<string, readonly ModelId[]> = {};
      if (without < 2) chains["build"] = ALL.chainsAgent;
      if (without < 3) chains[P] = ALL.chainsPrimary;
      if (without < 4) chains["default"] = ALL.chainsDefault;
      const agent = without < 1 ? { build: { models: ALL.agentModels } } : {};
      const result = resolveChain(config({ model: ALL.model, agent, chains }), { agent: "build" });
      expect(result).toEqual({ chain, primary: P, source });
    },
  );

  it("skips an empty agent.models list", () => {
    const result = resolveChain(
      config({ model: P, agent: { build: { models: [] } }, chains: { default: [X] } }),
      { agent: "build" },
    );
    expect(result).toEqual({ chain: [P, X], primary: P, source: "chains.default" });
  });
});

describe("the primary", () => {
  it("prefers the explicit model over the agent model over the global model", () => {
    const cfg = config({ model: P, agent: { build: { model: X } }, chains: { default: [Y] } });
    expect(resolveChain(cfg, { agent: "build", model: EXPLICIT })).toMatchObject({
      primary: EXPLICIT,
      chain: [EXPLICIT, Y],
    });
    expect(resolveChain(cfg, { agent: "build" })).toMatchObject({ primary: X, chain: [X, Y] });
    expect(resolveChain(cfg, { agent: "plan" })).toMatchObject({ primary: P, chain: [P, Y] });
  });

  it("looks up chains[p] by the resolved primary, not the global model", () => {
    const cfg = config({ model: P, agent: { build: { model: X } }, chains: { [X]: [Z], [P]: [Y] } });
    expect(resolveChain(cfg, { agent: "build" })).toEqual({
      chain: [X, Z],
      primary: X,
      source: "chains.primary",
    });
  });

  it("keeps the chain order when the primary is already in it, not moving it to the front", () => {
    const cfg = config({ model: Y, chains: { default: [X, Y, Z] } });
    expect(resolveChain(cfg, { agent: "build" })).toEqual({
      chain: [X, Y, Z],
      primary: Y,
      source: "chains.default",
    });
  });

  it("uses the chain head as primary when no model is configured", () => {
    const cfg = config({ agent: { build: { models: [Y, X] } } });
    expect(resolveChain(cfg, { agent: "build" })).toEqual({
      chain: [Y, X],
      primary: Y,
      source: "agent.models",
    });
  });

  it("drops duplicates, keeping the first occurrence", () => {
    const cfg = config({ model: P, chains: { default: [X, P, X, Y, P, Y] } });
    expect(resolveChain(cfg, { agent: "build" })).toMatchObject({ chain: [X, P, Y] });
    const prepended = resolveChain(config({ model: EXPLICIT, chains: { default: [X, X, Y] } }), {
      agent: "build",
    });
    expect(prepended).toMatchObject({ chain: [EXPLICIT, X, Y] });
  });

  it("returns an error naming the agent when there is no model and no chain", () => {
    expect(resolveChain(config({}), { agent: "build" })).toEqual({
      error: expect.stringContaining('no model configured for agent "build"'),
    });
  });

  it("never reads inherited properties for agent or chain names like constructor", () => {
    expect(resolveChain(config({ model: P }), { agent: "constructor" })).toEqual({
      chain: [P],
      primary: P,
      source: "primary",
    });
  });

  it('does not take a chain named "undefined" for the chain of a missing primary', () => {
    expect(resolveChain(config({ chains: { undefined: [X] } }), { agent: "build" })).toEqual({
      error: 'no model configured for agent "build" (no explicit model, agent model, global model or chain)',
    });
  });
});
