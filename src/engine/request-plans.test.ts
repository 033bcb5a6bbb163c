import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/parse-config.ts";
import type { EngineConfig } from "../config/settings.ts";
import type { ModelId } from "../core/model-id.ts";
import { RequestPlans } from "./request-plans.ts";

const A = "openai/gpt-a" as ModelId;
const B = "anthropic/claude-b" as ModelId;
const C = "google/gemini-c" as ModelId;

function config(): EngineConfig {
  const parsed = parseConfig({
    model: A,
    agent: { plan: { model: C, fallback: { max_retries: 5 } } },
    fallback: { chains: { default: [A, B] }, max_retries: 1 },
  });
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join("; "));
  return parsed.config;
}

describe("RequestPlans", () => {
  it("resolves each (agent, model) once and hands the same plan back", () => {
    const plans = new RequestPlans(config());
    const first = plans.planFor("build", undefined);
    expect(plans.planFor("build", undefined)).toBe(first);
    expect(first.resolved).toMatchObject({ chain: [A, B], primary: A });
    expect(first.settings.max_retries).toBe(1);
  });

  it("keeps agents and explicit models apart", () => {
    const plans = new RequestPlans(config());
    expect(plans.planFor("plan", undefined)).toMatchObject({
      settings: { max_retries: 5 },
      resolved: { chain: [C, A, B], primary: C },
    });
    expect(plans.planFor("build", B).resolved).toMatchObject({ chain: [A, B], primary: B });
    expect(plans.planFor("build", undefined).resolved).toMatchObject({ primary: A });
  });

  it("keeps a resolution error as the plan, for the request to report", () => {
    const parsed = parseConfig({});
    if (!parsed.ok) throw new Error("an empty config parses");
    expect(new RequestPlans(parsed.config).planFor("build", undefined).resolved).toMatchObject({
      error: expect.stringMatching(/no model configured for agent "build"/),
    });
  });

  it("starts over past its bound instead of growing without end", () => {
    const plans = new RequestPlans(config());
    const first = plans.planFor("agent-0", undefined);
    for (let i = 1; i <= 1_024; i++) plans.planFor(`agent-${i}`, undefined);
    expect(plans.planFor("agent-0", undefined)).not.toBe(first);
  });
});
