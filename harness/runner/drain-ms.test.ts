import { describe, expect, it } from "vitest";
import { parseConfig, type EngineConfig } from "../../src/index.ts";
import { scenarioSchema } from "../scenario/schema.ts";
import { drainMs, MAX_DRAIN_MS } from "./execute-scenario.ts";

function config(raw: object): EngineConfig {
  const result = parseConfig(raw);
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.config;
}

const scenario = (agent: string) =>
  scenarioSchema.parse({ id: "d", title: "d", description: "d", config: {}, traffic: [{ agent }] });

describe("drainMs: the longest wait the config allows, bounded", () => {
  it("is the breaker cooldown when it is the longest wait, at most MAX_DRAIN_MS", () => {
    const c = config({ fallback: { circuit_breaker: { cooldown_ms: 7_200_000 } } });
    expect(drainMs(c, scenario("build"))).toBe(MAX_DRAIN_MS);
    const short = config({ fallback: { circuit_breaker: { cooldown_ms: 90_000 }, deadline_ms: 30_000 } });
    expect(drainMs(short, scenario("build"))).toBe(90_000);
  });

  it("ignores a disabled breaker and takes the longest of deadline, Retry-After cap and backoff", () => {
    const c = config({
      fallback: {
        circuit_breaker: { enabled: false },
        deadline_ms: 20_000,
        retry_after_cap_ms: 45_000,
        backoff: { rate_limit: { max_ms: 50_000 } },
      },
    });
    expect(drainMs(c, scenario("build"))).toBe(50_000);
  });

  it("reads the agent's own overrides", () => {
    const c = config({
      fallback: { circuit_breaker: { enabled: false }, deadline_ms: 20_000 },
      agent: { plan: { fallback: { deadline_ms: 120_000 } } },
    });
    expect(drainMs(c, scenario("plan"))).toBe(120_000);
  });
});
