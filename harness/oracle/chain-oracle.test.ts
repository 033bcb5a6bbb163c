import { describe, expect, it } from "vitest";
import { readConfigValue } from "./config-reading.ts";
import type { OracleConfig } from "./config-types.ts";
import { configuredChainsFor, oracleResolveChain, PromotionOracle } from "./chain-oracle.ts";

const A = "anthropic/a";
const B = "openai/b";
const C = "google/c";

function config(raw: unknown): OracleConfig {
  const parsed = readConfigValue(raw);
  if (!parsed.ok)
    throw new Error(`Failed to parse the test config: ${JSON.stringify(parsed.problems)}. Fix the test.`);
  return parsed.config;
}

describe("oracleResolveChain (SPEC §5)", () => {
  const cfg = config({
    model: A,
    agent: { plan: { models: [B, C] }, docs: { model: C } },
    fallback: { chains: { review: [C, B], [C]: [C, A], default: [A, B] } },
  });

  it("consults agent.models, chains[agent], chains[primary], chains.default, then [primary] in that order", () => {
    expect(oracleResolveChain(cfg, "plan", A)).toEqual([A, B, C]);
    expect(oracleResolveChain(cfg, "review", C)).toEqual([C, B]);
    expect(oracleResolveChain(cfg, "docs", C)).toEqual([C, A]);
    expect(oracleResolveChain(cfg, "build", A)).toEqual([A, B]);
    expect(oracleResolveChain(config({ model: A }), "build", A)).toEqual([A]);
  });

  it("keeps a chain that already holds the logged primary, and puts a missing primary first", () => {
    expect(configuredChainsFor(cfg, "build", B)).toEqual([[A, B]]);
    expect(configuredChainsFor(cfg, "build", "openai/x")).toEqual([["openai/x", A, B]]);
  });
});

describe("PromotionOracle", () => {
  it("moves a live promoted model to the head until it expires or fails", () => {
    const promotions = new PromotionOracle();
    promotions.promote("build", B, 1000);
    expect(promotions.effective("build", [A, B, C], 999)).toEqual([B, A, C]);
    expect(promotions.effective("build", [A, B, C], 1000)).toEqual([A, B, C]);
    promotions.promote("build", C, 5000);
    promotions.demote("build", C);
    expect(promotions.effective("build", [A, B, C], 1)).toEqual([A, B, C]);
  });
});
