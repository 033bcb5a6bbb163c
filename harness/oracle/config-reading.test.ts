import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ORACLE_DEFAULTS } from "./config-defaults.ts";
import { oracleSettingsFor } from "./config-merge.ts";
import { readConfigText, readConfigValue, readScenarioConfig, type ConfigReading } from "./config-reading.ts";

function accepted(reading: ConfigReading) {
  if (!reading.ok) throw new Error(`expected the config to be accepted: ${JSON.stringify(reading.problems)}`);
  return reading.config;
}

describe("the oracle's reading of a config (SPEC §2)", () => {
  it("fills in §2's defaults table for an empty config", () => {
    const config = accepted(readConfigValue({}));
    expect(config.fallback.max_retries).toBe(3);
    expect(config.fallback.circuit_breaker).toEqual({
      enabled: true,
      failure_threshold: 3,
      window_ms: 3_600_000,
      cooldown_ms: 3_600_000,
      half_open_probes: 1,
      success_threshold: 1,
    });
    expect(config.fallback.backoff.rate_limit).toEqual({
      base_ms: 2000,
      factor: 2,
      max_ms: 60_000,
      jitter: 0.25,
    });
    expect(config.fallback.on_all_open).toBe("probe_soonest");
    expect(config.chains).toEqual({});
  });

  it("merges an agent's override field by field, nested blocks included (SPEC §5)", () => {
    const config = accepted(
      readConfigValue({
        fallback: { max_retries: 1, circuit_breaker: { failure_threshold: 5, cooldown_ms: 1000 } },
        agent: {
          plan: {
            fallback: { circuit_breaker: { cooldown_ms: 9000 }, backoff: { network: { base_ms: 10 } } },
          },
        },
      }),
    );
    const plan = oracleSettingsFor(config, "plan");
    expect(plan.max_retries).toBe(1);
    expect(plan.circuit_breaker).toMatchObject({
      failure_threshold: 5,
      cooldown_ms: 9000,
      success_threshold: 1,
    });
    expect(plan.backoff.network).toEqual({ ...ORACLE_DEFAULTS.backoff.network, base_ms: 10 });
    expect(oracleSettingsFor(config, "build").circuit_breaker.cooldown_ms).toBe(1000);
  });

  it("keeps only the engine's keys of an agent and never reads Object.prototype for odd agent names", () => {
    const config = accepted(readConfigValue({ agent: { build: { prompt: "x", model: "openai/gpt-4.1" } } }));
    expect(config.agent["build"]).toEqual({ model: "openai/gpt-4.1" });
    expect(oracleSettingsFor(config, "constructor")).toEqual(config.fallback);
  });

  it("reports every problem at once with its JSON path, suggesting the closest key for a typo", () => {
    const reading = readConfigValue({
      model: "gpt-4.1",
      fallback: { max_retry: 2, circuit_breaker: { success_threshold: 0 }, on_all_open: "probe" },
      agent: { build: { models: [], fallback: { chains: {} } } },
    });
    expect(reading.ok).toBe(false);
    const byPointer = Object.fromEntries(reading.problems.map((p) => [p.pointer, p.message]));
    expect(byPointer["fallback.max_retry"]).toBe('unknown key "max_retry"; did you mean "max_retries"?');
    expect(byPointer["fallback.circuit_breaker.success_threshold"]).toBe(
      "expected an integer of at least 1, received 0",
    );
    expect(byPointer["model"]).toContain('a model id of the form "provider/model"');
    expect(byPointer["fallback.on_all_open"]).toContain('"probe_soonest"');
    expect(byPointer["agent.build.models"]).toContain("non-empty");
    expect(byPointer["agent.build.fallback.chains"]).toBe("chains are global; use agent.build.models");
  });

  it("rejects a backoff whose max_ms is below its effective base_ms", () => {
    const reading = readConfigValue({
      agent: { build: { fallback: { backoff: { network: { base_ms: 40_000 } } } } },
    });
    expect(reading.ok ? [] : reading.problems.map((p) => p.pointer)).toEqual([
      "agent.build.fallback.backoff.network.base_ms",
    ]);
  });

  it("reads jsonc (comments, trailing commas) and locates problems by line and column", () => {
    const text = '{\n  // our fallback\n  "fallback": {\n    "max_retries": -1,\n  },\n}\n';
    const reading = readConfigText(text);
    expect(reading.ok).toBe(false);
    expect(reading.problems[0]).toMatchObject({ pointer: "fallback.max_retries", line: 4, column: 20 });
    expect(
      accepted(readConfigText('{ /* ok */ "fallback": { "max_retries": 0, }, }')).fallback.max_retries,
    ).toBe(0);
  });

  it("reads a scenario's config inline or from a file relative to the scenario", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fh-oracle-config-"));
    await writeFile(join(dir, "opencode.jsonc"), '{ "fallback": { "sticky_ms": 5, }, }');
    expect(accepted(await readScenarioConfig("opencode.jsonc", join(dir, "s.yaml"))).fallback.sticky_ms).toBe(
      5,
    );
    expect(
      accepted(await readScenarioConfig({ fallback: { sticky_ms: 6 } }, join(dir, "s.yaml"))).fallback
        .sticky_ms,
    ).toBe(6);
    const missing = await readScenarioConfig("nope.json", join(dir, "s.yaml"));
    expect(missing.ok ? "" : missing.problems[0]?.message).toContain("cannot read the file");
  });
});
