import { describe, expect, it } from "vitest";
import type { ModelId } from "../core/model-id.ts";
import { PromotionTable } from "./promotion.ts";

const A = "openai/gpt-4o" as ModelId;
const B = "anthropic/claude-sonnet-4" as ModelId;
const C = "google/gemini-2.5-pro" as ModelId;
const OTHER = "openai/o3" as ModelId;
const T0 = Date.UTC(2026, 0, 1);
const CHAIN = [A, B, C];

describe("PromotionTable", () => {
  it("returns the configured chain when nothing is promoted", () => {
    expect(new PromotionTable().effectiveChain("build", CHAIN, T0)).toEqual([A, B, C]);
  });

  it("moves the promoted model to the head while it is sticky, keeping the others' order", () => {
    const table = new PromotionTable();
    expect(table.promote("build", C, T0, 900_000)).toEqual({ until: T0 + 900_000 });
    expect(table.effectiveChain("build", CHAIN, T0 + 899_999)).toEqual([C, A, B]);
    expect(table.promotedFor("build", T0 + 1)).toEqual({ model: C, until: T0 + 900_000 });
  });

  it("is per agent", () => {
    const table = new PromotionTable();
    table.promote("build", B, T0, 1_000);
    expect(table.effectiveChain("plan", CHAIN, T0)).toEqual([A, B, C]);
  });

  it("expires exactly at until and forgets the entry", () => {
    const table = new PromotionTable();
    table.promote("build", B, T0, 1_000);
    expect(table.effectiveChain("build", CHAIN, T0 + 1_000)).toEqual([A, B, C]);
    expect(table.promotedFor("build", T0)).toBeUndefined();
  });

  it("ignores a promoted model that is not in this chain", () => {
    const table = new PromotionTable();
    table.promote("build", OTHER, T0, 1_000);
    expect(table.effectiveChain("build", CHAIN, T0)).toEqual([A, B, C]);
  });

  it("demotes only the promoted model, restoring the configured order", () => {
    const table = new PromotionTable();
    table.promote("build", B, T0, 1_000);
    expect(table.demote("build", C)).toBe(false);
    expect(table.effectiveChain("build", CHAIN, T0)).toEqual([B, A, C]);
    expect(table.demote("build", B)).toBe(true);
    expect(table.effectiveChain("build", CHAIN, T0)).toEqual([A, B, C]);
    expect(table.demote("build", B)).toBe(false);
  });

  it("replaces an older promotion with a newer one", () => {
    const table = new PromotionTable();
    table.promote("build", B, T0, 10_000);
    table.promote("build", C, T0 + 5, 10_000);
    expect(table.effectiveChain("build", CHAIN, T0 + 6)).toEqual([C, A, B]);
  });
});
